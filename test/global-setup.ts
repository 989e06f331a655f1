import { startEmbeddedPostgres } from '../libs/platform/src/database/embedded-postgres';

/**
 * Integration and e2e specs need a real Postgres: DATABASE_URL when set (CI uses
 * the local server), else an embedded one kept under .data/ between runs.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const db = await startEmbeddedPostgres('.data/test-postgres', Number(process.env.TEST_PG_PORT ?? 54330));
  process.env.DATABASE_URL = db.url;
  (globalThis as Record<string, unknown>).__EMBEDDED_TEST_PG__ = db;
}
