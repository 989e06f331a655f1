import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { EnvVar } from './env-var.decorator';

export class DatabaseConfig {
  @EnvVar('DATABASE_URL') @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  readonly url?: string;

  @EnvVar('EMBEDDED_PG_DIR') @IsString()
  readonly embeddedDir: string = '.data/postgres';

  @EnvVar('EMBEDDED_PG_PORT') @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(65535)
  readonly embeddedPort: number = 54329;
}
