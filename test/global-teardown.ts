import type { EmbeddedDatabase } from '../libs/platform/src/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const db = (globalThis as Record<string, unknown>).__EMBEDDED_TEST_PG__ as EmbeddedDatabase | undefined;
  await db?.stop();
}
