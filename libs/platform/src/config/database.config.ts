import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { EnvVar } from './env-var.decorator';
import { toNumber } from './to-number';
import { toBool } from './to-bool';

export class DatabaseConfig {
  @EnvVar('DATABASE_URL') @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  readonly url?: string;

  @EnvVar('EMBEDDED_PG_DIR') @IsString()
  readonly embeddedDir: string = '.data/postgres';

  @EnvVar('EMBEDDED_PG_PORT') @Transform(toNumber) @IsInt() @Min(1) @Max(65535)
  readonly embeddedPort: number = 54329;

  /**
   * Debits commit without waiting for the WAL flush (atomic and isolated as ever; a
   * database crash can forget the last fraction of a second of debits, with their ledger
   * rows). Grants, refunds and admin changes always wait. Set true for full durability.
   */
  @EnvVar('DEBIT_SYNC_COMMIT') @Transform(toBool) @IsBoolean({ message: 'DEBIT_SYNC_COMMIT must be true or false' })
  readonly debitSyncCommit: boolean = false;
}
