import { IsOptional, MinLength } from 'class-validator';
import { EnvVar } from './env-var.decorator';

/** No default token: the admin API exists only when the operator sets one. */
export class AdminConfig {
  @EnvVar('ADMIN_TOKEN') @IsOptional() @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters' })
  readonly token?: string;
}
