import { GatewayService, ServiceRoute } from '@app/platform';
import { Get, Param, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { IpgeoErrorCode, IpgeoException } from './ipgeo.exception';
import { IpgeoIpParamDto } from './ipgeo-ip-param.dto';
import { IpgeoLookupDto } from './ipgeo-lookup.dto';
import { IpgeoResult } from './ipgeo-result';
import { IpgeoService } from './ipgeo.service';

@GatewayService({
  name: 'ipgeo',
  description: 'IP geolocation (IPv4 and IPv6) from an offline MaxMind GeoLite2 database',
  cost: 1,
})
export class IpgeoController {
  constructor(private readonly ipgeo: IpgeoService) {}

  @Get('info')
  @ServiceRoute({ cost: 0, description: 'Where the database comes from and how old it is' })
  info() {
    return this.ipgeo.info();
  }

  @Get('lookup')
  @ServiceRoute({ description: "Location of ?ip=, or of the caller's own address when ip is omitted" })
  lookup(@Query() query: IpgeoLookupDto, @Req() req: Request): IpgeoResult {
    const ip = query.ip ?? req.ip;
    if (!ip) throw new IpgeoException(IpgeoErrorCode.NoClientAddress, 'The caller address is unknown; pass ?ip=');
    return this.ipgeo.lookup(ip);
  }

  @Get(':ip')
  @ServiceRoute({ description: 'Location of the address in the path, e.g. /v1/ipgeo/8.8.8.8' })
  lookupPath(@Param() params: IpgeoIpParamDto): IpgeoResult {
    return this.ipgeo.lookup(params.ip);
  }
}
