import { OnModuleDestroy } from '@nestjs/common';
import { Pool, QueryResultRow } from 'pg';

/**
 * The paid path's own connections: named (prepared) statements, and optionally
 * asynchronous commit, which neither TypeORM's query() nor the shared pool offer.
 */
export class LedgerPool implements OnModuleDestroy {
  private readonly pool: Pool;

  constructor(url: string, asyncCommit: boolean) {
    this.pool = new Pool({ connectionString: url, max: 10, ...(asyncCommit ? { options: '-c synchronous_commit=off' } : {}) });
    this.pool.on('error', () => undefined);
  }

  async prepared<T extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<T[]> {
    return (await this.pool.query<T>({ name, text, values })).rows;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}
