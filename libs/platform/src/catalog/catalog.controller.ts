import { Controller, Get } from '@nestjs/common';
import { RateLimitConfig } from '../config/rate-limit.config';
import { ServiceRegistry } from './service-registry.service';

@Controller('v1/services')
export class CatalogController {
  constructor(
    private readonly registry: ServiceRegistry,
    private readonly rateLimit: RateLimitConfig,
  ) {}

  @Get()
  list() {
    const fallback = { limit: this.rateLimit.limit, windowSec: this.rateLimit.windowSec };
    return {
      services: this.registry.list().map((s) => ({
        name: s.name,
        aliases: s.aliases,
        description: s.description,
        cost: s.cost,
        rateLimit: s.rateLimit ?? fallback,
        routes: s.routes.map((r) => ({
          method: r.method,
          path: r.path,
          cost: r.cost,
          rateLimit: r.rateLimit ?? fallback,
          ...(r.description ? { description: r.description } : {}),
        })),
      })),
    };
  }
}
