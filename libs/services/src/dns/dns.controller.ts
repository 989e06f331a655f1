import { GatewayService, ServiceRoute } from '@app/platform';
import { Get, Query } from '@nestjs/common';
import { DnsService } from './dns.service';
import { DnsLookupDto } from './dns-lookup.dto';
import { DnsLookupResult } from './dns-lookup-result';
import { DnsReverseDto } from './dns-reverse.dto';

@GatewayService({
  name: 'dns',
  description: 'DNS lookups (A, AAAA, CNAME, MX, TXT, NS, SOA, SRV, CAA, PTR) through the configured resolver',
  cost: 1,
  rateLimit: { limit: 60, windowSec: 60 },
})
export class DnsController {
  constructor(private readonly dns: DnsService) {}

  @Get('lookup')
  @ServiceRoute({ description: 'Records of one type for a name: ?name=example.com&type=MX (type defaults to A)' })
  lookup(@Query() query: DnsLookupDto): Promise<DnsLookupResult> {
    return this.dns.lookup(query.name, query.type ?? 'A');
  }

  @Get('reverse')
  @ServiceRoute({ description: 'PTR records for an IPv4 or IPv6 address: ?ip=8.8.8.8' })
  reverse(@Query() query: DnsReverseDto): Promise<DnsLookupResult> {
    return this.dns.reverse(query.ip);
  }
}
