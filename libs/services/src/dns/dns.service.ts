import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Resolver } from 'node:dns/promises';
import { DnsConfig } from './dns.config';
import { DnsErrorCode, DnsException } from './dns.exception';
import { DnsLookupResult, DnsRecord } from './dns-lookup-result';
import { normalizeDnsName } from './dns-name';
import { DnsRecordType } from './dns-record-type';
import { reverseNameOf } from './reverse-name';
import { TtlCache } from './ttl-cache';

interface Answer {
  records: DnsRecord[];
  ttl?: number;
  nxdomain?: boolean;
}

/** Upper bound on how long a TTL from the wire keeps an answer cached. */
const MAX_CACHE_TTL_SEC = 3600;

@Injectable()
export class DnsService implements OnModuleDestroy {
  private readonly resolver: Resolver;
  private readonly resolverLabel: string;
  private readonly cache: TtlCache<Answer>;
  private readonly inFlight = new Map<string, Promise<Answer>>();

  constructor(private readonly config: DnsConfig) {
    this.resolver = new Resolver({ timeout: config.timeoutMs, tries: config.tries });
    const servers = config.serverList();
    if (servers) this.resolver.setServers(servers);
    this.resolverLabel = this.resolver.getServers().join(',') || 'system';
    this.cache = new TtlCache<Answer>(config.cacheSize);
  }

  onModuleDestroy(): void {
    this.resolver.cancel();
  }

  async lookup(rawName: string, type: DnsRecordType = 'A'): Promise<DnsLookupResult> {
    const name = type === 'PTR' ? (reverseNameOf(rawName) ?? normalizeDnsName(rawName)) : normalizeDnsName(rawName);
    if (!name) throw new DnsException(DnsErrorCode.InvalidName, `"${rawName.slice(0, 64)}" is not a valid domain name`);
    const key = `${type} ${name}`;
    const hit = this.cache.get(key);
    const answer = hit?.value ?? (await this.resolveOnce(key, name, type));
    if (answer.nxdomain) {
      throw new DnsException(DnsErrorCode.NotFound, `${name} does not exist (NXDOMAIN)`);
    }
    const ttl = answer.ttl === undefined ? undefined : hit ? Math.ceil(hit.remainingMs / 1000) : answer.ttl;
    return {
      name,
      type,
      records: answer.records,
      resolver: this.resolverLabel,
      ...(ttl === undefined ? {} : { ttl }),
      cached: hit !== undefined,
    };
  }

  reverse(ip: string): Promise<DnsLookupResult> {
    const name = reverseNameOf(ip);
    if (!name) throw new DnsException(DnsErrorCode.InvalidName, 'ip must be an IPv4 or IPv6 address');
    return this.lookup(name, 'PTR');
  }

  /** Concurrent callers of the same question share one upstream query. */
  private resolveOnce(key: string, name: string, type: DnsRecordType): Promise<Answer> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.resolveAndCache(key, name, type).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async resolveAndCache(key: string, name: string, type: DnsRecordType): Promise<Answer> {
    let answer: Answer;
    try {
      answer = await this.withDeadline(this.query(name, type));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENODATA') answer = { records: [] };
      else if (code === 'ENOTFOUND') answer = { records: [], nxdomain: true };
      else throw this.toException(code, name, type);
    }
    const ttlSec = Math.min(answer.ttl ?? this.config.defaultTtlSec, MAX_CACHE_TTL_SEC);
    this.cache.set(key, answer, ttlSec * 1000);
    return answer;
  }

  private async query(name: string, type: DnsRecordType): Promise<Answer> {
    const r = this.resolver;
    switch (type) {
      case 'A':
      case 'AAAA': {
        const found = type === 'A' ? await r.resolve4(name, { ttl: true }) : await r.resolve6(name, { ttl: true });
        return { records: found.map((a) => a.address), ttl: found.length ? Math.min(...found.map((a) => a.ttl)) : undefined };
      }
      case 'CNAME':
        return { records: await r.resolveCname(name) };
      case 'MX':
        return {
          records: (await r.resolveMx(name))
            .map(({ priority, exchange }) => ({ priority, exchange }))
            .sort((a, b) => a.priority - b.priority),
        };
      case 'TXT':
        return { records: (await r.resolveTxt(name)).map((chunks) => chunks.join('')) };
      case 'NS':
        return { records: await r.resolveNs(name) };
      case 'SOA': {
        const { nsname, hostmaster, serial, refresh, retry, expire, minttl } = await r.resolveSoa(name);
        return { records: [{ nsname, hostmaster, serial, refresh, retry, expire, minttl }] };
      }
      case 'SRV':
        return {
          records: (await r.resolveSrv(name)).map(({ priority, weight, port, name: target }) => ({ priority, weight, port, target })),
        };
      case 'CAA':
        return {
          records: (await r.resolveCaa(name)).map((record) => {
            const { critical, ...rest } = record as unknown as Record<string, string | number>;
            const [tag = '', value = ''] = Object.entries(rest)[0] ?? [];
            return { critical: Number(critical), tag, value: String(value) };
          }),
        };
      case 'PTR':
        return { records: await r.resolvePtr(name) };
    }
  }

  private withDeadline<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('deadline'), { code: 'ETIMEOUT' })), this.config.deadlineMs);
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  private toException(code: string | undefined, name: string, type: DnsRecordType): DnsException {
    const question = `${type} ${name}`;
    switch (code) {
      case 'ETIMEOUT':
        return new DnsException(DnsErrorCode.ResolverTimeout, `The resolver did not answer ${question} in time`);
      case 'ECONNREFUSED':
        return new DnsException(DnsErrorCode.ResolverUnreachable, `The resolver refused the connection for ${question}`);
      case 'EBADNAME':
        return new DnsException(DnsErrorCode.InvalidName, `"${name}" is not a valid domain name`);
      case 'ESERVFAIL':
        return new DnsException(DnsErrorCode.ResolverFailure, `The resolver answered SERVFAIL for ${question}`);
      case 'EREFUSED':
        return new DnsException(DnsErrorCode.ResolverFailure, `The resolver refused to answer ${question}`);
      default:
        return new DnsException(DnsErrorCode.ResolverFailure, `The resolver failed on ${question} (${code ?? 'unknown error'})`);
    }
  }
}
