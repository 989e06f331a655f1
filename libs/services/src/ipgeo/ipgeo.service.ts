import { ComponentHealth, HealthContributor, HealthReporter } from '@app/platform';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type * as GeoipLite from 'geoip-lite';
import { parseIp } from './ip-address';
import { describeDataSource, IpgeoDataSource } from './ipgeo-data-source';
import { IpgeoErrorCode, IpgeoException } from './ipgeo.exception';
import { IpgeoResult } from './ipgeo-result';
import { reservedKindOf } from './reserved-ranges';

const DISPLAY_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });
/** ICU name lookups cost about a microsecond; there are only ~250 countries. */
const countryNames = new Map<string, string | null>();

function countryName(code: string): string | null {
  let name = countryNames.get(code);
  if (name === undefined) {
    name = DISPLAY_NAMES.of(code) ?? null;
    countryNames.set(code, name);
  }
  return name;
}

@Injectable()
@HealthContributor('ipgeo')
export class IpgeoService implements OnModuleInit, HealthReporter {
  private readonly logger = new Logger('Ipgeo');
  private geo: typeof GeoipLite;
  private dataSource: IpgeoDataSource;
  private loadedAt: string;
  private loadMs: number;

  /** geoip-lite reads its ~110 MB of tables when first required, so that happens here once, not at import or per request. */
  async onModuleInit(): Promise<void> {
    const started = performance.now();
    this.geo = await import('geoip-lite');
    this.loadMs = Math.round(performance.now() - started);
    this.loadedAt = new Date().toISOString();
    this.dataSource = describeDataSource();
    this.logger.log(`geoip-lite ${this.dataSource.version} loaded in ${this.loadMs} ms (data ${this.dataSource.dataDate})`);
  }

  lookup(input: string): IpgeoResult {
    const parsed = parseIp(input);
    if (!parsed) throw new IpgeoException(IpgeoErrorCode.InvalidIp, 'ip must be an IPv4 or IPv6 address');
    const { ip, family } = parsed;
    const range = reservedKindOf(ip, family);
    if (range) return { ip, version: family, reserved: true, range };
    const hit = this.geo.lookup(ip);
    const text = (s: string | undefined) => s || null;
    const [latitude, longitude] = hit?.ll ?? [null, null];
    return {
      ip,
      version: family,
      reserved: false,
      found: hit !== null,
      country: text(hit?.country),
      countryName: hit?.country ? countryName(hit.country) : null,
      region: text(hit?.region),
      city: text(hit?.city),
      latitude: latitude ?? null,
      longitude: longitude ?? null,
      timezone: text(hit?.timezone),
      eu: hit?.eu ? hit.eu === '1' : null,
      accuracyRadiusKm: hit?.area ?? null,
    };
  }

  info(): IpgeoDataSource & { loadedAt: string; loadMs: number } {
    return { ...this.dataSource, loadedAt: this.loadedAt, loadMs: this.loadMs };
  }

  async health(): Promise<ComponentHealth> {
    return this.geo ? { status: 'up', version: this.dataSource.version, dataDate: this.dataSource.dataDate } : { status: 'down' };
  }
}
