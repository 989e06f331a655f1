import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseConfig } from '../config/database.config';
import { LedgerPool } from './ledger-pool';
import { MIGRATIONS } from '../../../../migrations';
import { LedgerEntry } from '../credits/ledger-entry.entity';
import { ApiKey } from '../keys/api-key.entity';

@Module({})
export class DatabaseModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: LedgerPool, inject: [DatabaseConfig], useFactory: (c: DatabaseConfig) => new LedgerPool(url, !c.debitSyncCommit) },
      ],
      exports: [LedgerPool],
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url,
          entities: [ApiKey, LedgerEntry],
          migrations: MIGRATIONS,
          synchronize: false,
          migrationsRun: false,
          extra: { max: 20 },
          logging: ['error'],
        }),
      ],
    };
  }
}
