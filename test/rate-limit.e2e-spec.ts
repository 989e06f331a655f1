import { EchoModule } from './fixtures/echo/echo.module';
import { call } from './utils/http';
import { TestApp, startTestApp } from './utils/test-app';

describe('rate limits (e2e, in-memory storage)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ services: [EchoModule], env: { RATE_LIMIT: '4', RATE_LIMIT_WINDOW_SEC: '60', KEY_CREATE_LIMIT: '2' } });
  });
  afterAll(() => t.close());

  it('limits a route by its own declaration, per key, with Retry-After and X-RateLimit headers', async () => {
    const key = await t.createKey(100);
    const first = await call(`${t.url}/v1/echo/limited`, { key });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    await call(`${t.url}/v1/echo/limited`, { key });
    await call(`${t.url}/v1/echo/limited`, { key });
    const blocked = await call(`${t.url}/v1/echo/limited`, { key });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toBe('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    const other = await t.createKey(100);
    expect((await call(`${t.url}/v1/echo/limited`, { key: other })).status).toBe(200);
  });

  it('a throttled call is not charged', async () => {
    const key = await t.createKey(100);
    for (let i = 0; i < 3; i++) await call(`${t.url}/v1/echo/limited`, { key });
    expect((await call(`${t.url}/v1/echo/limited`, { key })).status).toBe(429);
    const me = await call(`${t.url}/api/keys/me`, { key });
    expect(me.body.credits).toBe(97);
  });

  it('routes without their own limit use the global default (RATE_LIMIT)', async () => {
    const key = await t.createKey(100);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(`${t.url}/v1/echo/say`, { key, body: { text: 'x' } })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 429]);
  });

  it('limits anonymous key creation per client IP', async () => {
    const a = await call(`${t.url}/api/keys/create`, { method: 'POST' });
    const b = await call(`${t.url}/api/keys/create`, { method: 'POST' });
    const c = await call(`${t.url}/api/keys/create`, { method: 'POST' });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 429]);
    expect(c.headers.get('retry-after')).toBeTruthy();
  });
});
