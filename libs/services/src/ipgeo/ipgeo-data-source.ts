import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * geoip-lite's data files carry no date. For releases we know, the publish date of the
 * package version is the newest the bundled data can be (the checksum proves the files
 * are the ones that shipped); otherwise someone ran its updater, and the files' mtime
 * is when the data was written.
 */
const KNOWN_RELEASES: Record<string, { published: string; cityChecksum: string }> = {
  '2.0.3': { published: '2026-07-08', cityChecksum: '738794f02b34c28847582790e570b533' },
};

export interface IpgeoDataSource {
  source: 'geoip-lite';
  version: string;
  provider: string;
  attribution: string;
  dataDate: string;
  dataDateBasis: 'package-publish-date' | 'file-mtime';
  checksums: { city: string | null; country: string | null };
}

export function describeDataSource(): IpgeoDataSource {
  const root = dirname(require.resolve('geoip-lite/package.json'));
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const checksum = (name: string) => {
    try {
      return readFileSync(join(root, 'data', `${name}.checksum`), 'utf8').trim();
    } catch {
      return null;
    }
  };
  const checksums = { city: checksum('city'), country: checksum('country') };
  const known = KNOWN_RELEASES[version];
  const shipped = known !== undefined && known.cityChecksum === checksums.city;
  return {
    source: 'geoip-lite',
    version,
    provider: 'MaxMind GeoLite2',
    attribution: 'This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com',
    dataDate: shipped ? known.published : statSync(join(root, 'data', 'geoip-city.dat')).mtime.toISOString().slice(0, 10),
    dataDateBasis: shipped ? 'package-publish-date' : 'file-mtime',
    checksums,
  };
}
