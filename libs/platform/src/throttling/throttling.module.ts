import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { CatalogModule } from '../catalog/catalog.module';
import { RateLimitPolicy } from './rate-limit-policy.service';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { REDIS_THROTTLER_STORAGE, ThrottlingPolicyModule } from './throttling-policy.module';

@Module({
  imports: [
    CatalogModule,
    ThrottlerModule.forRootAsync({
      imports: [ThrottlingPolicyModule],
      inject: [RateLimitPolicy, REDIS_THROTTLER_STORAGE],
      useFactory: (policy: RateLimitPolicy, redis: RedisThrottlerStorage | null) => ({
        storage: redis ?? undefined,
        throttlers: [
          {
            name: 'default',
            limit: (ctx) => policy.resolve(ctx).limit,
            ttl: (ctx) => policy.resolve(ctx).ttlMs,
          },
        ],
        generateKey: (ctx, tracker) => `${policy.resolve(ctx).bucket}:${tracker}`,
        errorMessage: 'Rate limit exceeded; retry after the number of seconds in Retry-After',
      }),
    }),
  ],
  exports: [ThrottlerModule],
})
export class ThrottlingModule {}
