import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, ValidateBy } from 'class-validator';
import { DNS_RECORD_TYPES, DnsRecordType } from './dns-record-type';
import { normalizeDnsName } from './dns-name';
import { reverseNameOf } from './reverse-name';

export class DnsLookupDto {
  @Transform(({ value }) => (typeof value === 'string' ? (normalizeDnsName(value) ?? value) : value))
  @IsString({ message: 'name is required' })
  @ValidateBy({
    name: 'dnsName',
    validator: {
      // With type=PTR an address stands for its arpa name, as on /reverse.
      validate: (v: unknown, args) =>
        typeof v === 'string' &&
        (normalizeDnsName(v) === v || ((args?.object as { type?: unknown }).type === 'PTR' && reverseNameOf(v) !== undefined)),
      defaultMessage: () =>
        'name must be a domain name of at most 253 characters whose dot-separated labels are 1-63 letters, digits, hyphens or underscores (or, with type=PTR, an IP address)',
    },
  })
  readonly name: string;

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsIn(DNS_RECORD_TYPES, {
    message: `type must be one of ${DNS_RECORD_TYPES.join(', ')} (ANY is refused, see RFC 8482)`,
  })
  readonly type?: DnsRecordType;
}
