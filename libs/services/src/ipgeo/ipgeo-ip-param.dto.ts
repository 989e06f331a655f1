import { IsIpAddress } from './ip-address.validator';

export class IpgeoIpParamDto {
  @IsIpAddress()
  readonly ip: string;
}
