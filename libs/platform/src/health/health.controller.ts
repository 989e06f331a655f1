import { Controller, Get, Res } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ComponentHealth, HEALTH_CONTRIBUTOR, HealthReporter } from './health-contributor.decorator';

@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const database = await this.database();
    const components: Record<string, ComponentHealth> = { database };
    for (const wrapper of this.discovery.getProviders()) {
      const name = wrapper.metatype && this.reflector.get<string>(HEALTH_CONTRIBUTOR, wrapper.metatype);
      if (!name || !wrapper.instance) continue;
      components[name] = await (wrapper.instance as HealthReporter).health().catch((e: unknown) => ({ status: 'down' as const, reason: String(e) }));
    }
    const status = database.status === 'up' ? 'ok' : 'degraded';
    res.status(database.status === 'up' ? 200 : 503);
    return { status, ...components };
  }

  private async database(): Promise<ComponentHealth> {
    const started = Date.now();
    try {
      await this.db.query('SELECT 1');
      return { status: 'up', latencyMs: Date.now() - started };
    } catch (e) {
      return { status: 'down', reason: e instanceof Error ? e.message : String(e) };
    }
  }
}
