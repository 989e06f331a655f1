import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { EnvVar } from './env-var.decorator';
import { toNumber } from './to-number';

export class KeysConfig {
  @EnvVar('FREE_CREDITS') @Transform(toNumber) @IsInt() @Min(0) @Max(1_000_000_000)
  readonly freeCredits: number = 200;

  @EnvVar('KEY_CREATE_LIMIT') @Transform(toNumber) @IsInt() @Min(1)
  readonly createLimit: number = 10;

  @EnvVar('KEY_CREATE_WINDOW_SEC') @Transform(toNumber) @IsInt() @Min(1)
  readonly createWindowSec: number = 3600;
}
