import { Transform } from 'class-transformer';
import { IsString, ValidateBy } from 'class-validator';
import { reverseNameOf } from './reverse-name';

export class DnsReverseDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'ip is required' })
  @ValidateBy({
    name: 'ipAddress',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && reverseNameOf(v) !== undefined,
      defaultMessage: () => 'ip must be an IPv4 or IPv6 address',
    },
  })
  readonly ip: string;
}
