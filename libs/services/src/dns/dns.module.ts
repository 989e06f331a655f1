import { configProvider } from '@app/platform';
import { Module } from '@nestjs/common';
import { DnsConfig } from './dns.config';
import { DnsController } from './dns.controller';
import { DnsService } from './dns.service';

@Module({
  controllers: [DnsController],
  providers: [configProvider(DnsConfig), DnsService],
})
export class DnsModule {}
