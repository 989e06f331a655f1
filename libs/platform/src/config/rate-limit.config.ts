import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { EnvVar } from './env-var.decorator';
import { toNumber } from './to-number';

export class RateLimitConfig {
  /** Requests per window per key (per IP when anonymous), for routes that declare no limit of their own. */
  @EnvVar('RATE_LIMIT') @Transform(toNumber) @IsInt() @Min(1)
  readonly limit: number = 120;

  @EnvVar('RATE_LIMIT_WINDOW_SEC') @Transform(toNumber) @IsInt() @Min(1)
  readonly windowSec: number = 60;

  @EnvVar('REDIS_URL') @IsOptional() @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  readonly redisUrl?: string;
}
