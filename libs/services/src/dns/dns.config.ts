import { EnvVar, toNumber } from '@app/platform';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { parseDnsServers } from './dns-servers';

export class DnsConfig {
  /** Comma-separated `host[:port]`; unset means the system resolvers (/etc/resolv.conf). */
  @EnvVar('DNS_SERVERS')
  @IsOptional()
  @ValidateBy({
    name: 'dnsServers',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && parseDnsServers(v).problems.length === 0,
      defaultMessage: (args) => `DNS_SERVERS: ${parseDnsServers(String(args?.value)).problems.join('; ')}`,
    },
  })
  readonly servers?: string;

  /** c-ares timeout of the first try per server; later tries back off from it. */
  @EnvVar('DNS_TIMEOUT_MS') @Transform(toNumber) @IsInt() @Min(50) @Max(10_000)
  readonly timeoutMs: number = 1000;

  @EnvVar('DNS_TRIES') @Transform(toNumber) @IsInt() @Min(1) @Max(5)
  readonly tries: number = 2;

  /** Hard bound on one lookup whatever c-ares does, so a dead resolver answers 504 in time. */
  @EnvVar('DNS_DEADLINE_MS') @Transform(toNumber) @IsInt() @Min(100) @Max(30_000)
  readonly deadlineMs: number = 4500;

  @EnvVar('DNS_CACHE_SIZE') @Transform(toNumber) @IsInt() @Min(0) @Max(1_000_000)
  readonly cacheSize: number = 10_000;

  /** Cache lifetime for answers without a TTL (all types but A/AAAA) and for negative answers. */
  @EnvVar('DNS_CACHE_TTL_SEC') @Transform(toNumber) @IsInt() @Min(0) @Max(86_400)
  readonly defaultTtlSec: number = 60;

  serverList(): string[] | undefined {
    return this.servers ? parseDnsServers(this.servers).servers : undefined;
  }
}
