import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { RateLimitConfig } from '../config/rate-limit.config';
import { RateLimitPolicy } from './rate-limit-policy.service';
import { RedisThrottlerStorage } from './redis-throttler.storage';

export const REDIS_THROTTLER_STORAGE = Symbol('REDIS_THROTTLER_STORAGE');

@Module({
  imports: [CatalogModule],
  providers: [
    RateLimitPolicy,
    {
      provide: REDIS_THROTTLER_STORAGE,
      inject: [RateLimitConfig],
      useFactory: (config: RateLimitConfig) => (config.redisUrl ? new RedisThrottlerStorage(config.redisUrl) : null),
    },
  ],
  exports: [RateLimitPolicy, REDIS_THROTTLER_STORAGE],
})
export class ThrottlingPolicyModule {}
