import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Max, Min } from 'class-validator';
import { EnvVar } from './env-var.decorator';
import { toNumber } from './to-number';
import { toBool } from './to-bool';

export class HttpConfig {
  @EnvVar('PORT') @Transform(toNumber) @IsInt() @Min(0) @Max(65535)
  readonly port: number = 3000;

  @EnvVar('HOST') @IsString()
  readonly host: string = '0.0.0.0';

  @EnvVar('BODY_LIMIT_KB') @Transform(toNumber) @IsInt() @Min(1) @Max(65536)
  readonly bodyLimitKb: number = 1024;

  /** Honour X-Forwarded-For only behind a trusted proxy. */
  @EnvVar('TRUST_PROXY') @Transform(toBool) @IsBoolean({ message: 'TRUST_PROXY must be true or false' })
  readonly trustProxy: boolean = false;

  /** On shutdown, how long requests in progress may take to finish (a run may use its whole timeout). */
  @EnvVar('SHUTDOWN_GRACE_MS') @Transform(toNumber) @IsInt() @Min(0) @Max(600_000)
  readonly shutdownGraceMs: number = 30_000;
}
