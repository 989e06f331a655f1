import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { call } from './utils/http';
import { TestDatabase, createTestDatabase } from './utils/test-database';

const MAIN = join(__dirname, '..', 'dist', 'apps', 'gateway', 'src', 'main.js');
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startGateway(env: Record<string, string>): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout?.on('data', (d) => (log += d));
  proc.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    if (proc.exitCode !== null) throw new Error(`gateway exited: ${log}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, proc };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error(`gateway did not start: ${log}`);
}

describe('rate limit shared through Redis by two gateway processes (e2e)', () => {
  let db: TestDatabase;
  const procs: ChildProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
    await db.drop();
  });

  it('five calls spread over two processes exhaust one limit of five', async () => {
    const env = { DATABASE_URL: db.url, REDIS_URL, RATE_LIMIT: '5', RATE_LIMIT_WINDOW_SEC: '60', KEY_CREATE_LIMIT: '100' };
    const a = await startGateway(env);
    procs.push(a.proc);
    const b = await startGateway(env);
    procs.push(b.proc);
    const { body } = await call(`${a.url}/api/keys/create`, { method: 'POST' });
    const remaining: (string | null)[] = [];
    for (const url of [a.url, b.url, a.url, b.url, a.url]) {
      const res = await call(`${url}/api/keys/me`, { key: body.key });
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('x-ratelimit-remaining'));
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    for (const url of [b.url, a.url]) {
      const res = await call(`${url}/api/keys/me`, { key: body.key });
      expect(res.status).toBe(429);
      expect(res.body.error).toBe('rate_limited');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});
