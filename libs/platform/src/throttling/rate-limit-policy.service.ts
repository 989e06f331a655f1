import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ServiceRegistry } from '../catalog/service-registry.service';
import { KeysConfig } from '../config/keys.config';
import { RateLimitConfig } from '../config/rate-limit.config';
import { KEY_CREATION_LIMIT } from './key-creation-limit.decorator';

export interface ResolvedLimit {
  limit: number;
  ttlMs: number;
  /** Counters are shared by every route of one bucket. */
  bucket: string;
}

/** Reads limits from the services' declarations, with the operator's default for everything else. */
@Injectable()
export class RateLimitPolicy {
  constructor(
    private readonly registry: ServiceRegistry,
    private readonly reflector: Reflector,
    private readonly defaults: RateLimitConfig,
    private readonly keys: KeysConfig,
  ) {}

  resolve(context: ExecutionContext): ResolvedLimit {
    const handler = context.getHandler();
    if (this.reflector.get<boolean>(KEY_CREATION_LIMIT, handler)) {
      return { limit: this.keys.createLimit, ttlMs: this.keys.createWindowSec * 1000, bucket: 'key-creation' };
    }
    const route = this.registry.routeFor(handler);
    if (route) {
      const declared = route.rateLimit ?? { limit: this.defaults.limit, windowSec: this.defaults.windowSec };
      return { limit: declared.limit, ttlMs: declared.windowSec * 1000, bucket: `service:${route.limitBucket}` };
    }
    return { limit: this.defaults.limit, ttlMs: this.defaults.windowSec * 1000, bucket: 'platform' };
  }
}
