import { ENV, Env, loadConfig } from '@app/platform';
import { Module } from '@nestjs/common';
import { DnsConfig } from './dns.config';
import { DnsController } from './dns.controller';
import { DnsService } from './dns.service';

@Module({
  controllers: [DnsController],
  providers: [{ provide: DnsConfig, useFactory: (env: Env) => loadConfig(DnsConfig, env), inject: [ENV] }, DnsService],
})
export class DnsModule {}
