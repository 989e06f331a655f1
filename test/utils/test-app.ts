import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { INestApplication, Type } from '@nestjs/common';
import { Pool } from 'pg';
import { Env, createGateway } from '@app/platform';
import { createTestDatabase } from './test-database';

export interface TestApp {
  app: INestApplication;
  url: string;
  adminToken: string;
  /** A pool on this app's own database, for asserting what was stored. */
  db: Pool;
  createKey(credits?: number): Promise<string>;
  keyId(key: string): Promise<string>;
  close(): Promise<void>;
}

/** Boots the real gateway (real Postgres, real migrations, real HTTP on a random port). */
export async function startTestApp(options: { services?: Type[]; env?: Env } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const adminToken = randomBytes(24).toString('hex');
  const env: Env = {
    DATABASE_URL: database.url,
    ADMIN_TOKEN: adminToken,
    RATE_LIMIT: '100000',
    KEY_CREATE_LIMIT: '100000',
    ...options.env,
  };
  const gateway = await createGateway({ services: options.services ?? [], env, logger: false });
  await gateway.app.listen(0, '127.0.0.1');
  const { port } = gateway.app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const db = new Pool({ connectionString: database.url, max: 2 });
  return {
    app: gateway.app,
    url,
    adminToken,
    db,
    async createKey(credits = 200) {
      const res = await fetch(`${url}/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ credits, label: 'test' }),
      });
      if (res.status !== 201) throw new Error(`createKey: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { key: string }).key;
    },
    async keyId(key: string) {
      const res = await fetch(`${url}/api/keys/me`, { headers: { authorization: `Bearer ${key}` } });
      return ((await res.json()) as { id: string }).id;
    },
    async close() {
      await db.end();
      await gateway.stop();
      await database.drop();
    },
  };
}
