import { IsOptional } from 'class-validator';
import { IsIpAddress } from './ip-address.validator';

export class IpgeoLookupDto {
  /** Omitted: the caller's own address. */
  @IsOptional()
  @IsIpAddress()
  readonly ip?: string;
}
