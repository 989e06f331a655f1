import { call } from '../../../../test/utils/http';
import { startTestApp, TestApp } from '../../../../test/utils/test-app';
import { HashModule } from './hash.module';

describe('hash example service through the gateway (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ services: [HashModule] });
  });
  afterAll(() => t?.close());

  const credits = async (key: string) => (await call(`${t.url}/api/keys/me`, { key })).body.credits as number;

  it('401 without a key or with a wrong one', async () => {
    for (const key of [undefined, 'sk_not_a_real_key']) {
      const res = await call(`${t.url}/v1/hash/sha256`, { key, body: { text: 'abc' } });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
  });

  it('hashes and debits exactly the declared cost per route (1 for sha256, 2 for sha512, 0 for algorithms)', async () => {
    const key = await t.createKey(10);
    const res = await call(`${t.url}/v1/hash/sha256`, { key, body: { text: 'abc' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ algorithm: 'sha256', hex: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' });
    expect(await credits(key)).toBe(9);
    expect((await call(`${t.url}/v1/hash/sha512`, { key, body: { text: '616263', encoding: 'hex' } })).status).toBe(200);
    expect(await credits(key)).toBe(7);
    expect((await call(`${t.url}/v1/hash/algorithms`, { key })).body).toEqual({
      algorithms: ['sha256', 'sha512'],
      encodings: ['utf8', 'hex', 'base64'],
    });
    expect(await credits(key)).toBe(7);
  });

  it('answers on its alias /v1/digest', async () => {
    const key = await t.createKey(5);
    const res = await call(`${t.url}/v1/digest/sha256`, { key, body: { text: 'abc' } });
    expect(res.status).toBe(200);
    expect(res.body.algorithm).toBe('sha256');
    expect(await credits(key)).toBe(4);
  });

  it('reads a null encoding as an absent one (utf8)', async () => {
    const key = await t.createKey(5);
    const res = await call(`${t.url}/v1/hash/sha256`, { key, body: { text: 'abc', encoding: null } });
    expect(res.status).toBe(200);
    expect(res.body.hex).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it.each([
    ['no text', {}, 'validation_failed'],
    ['a number as text', { text: 42 }, 'validation_failed'],
    ['an unknown encoding', { text: 'abc', encoding: 'rot13' }, 'validation_failed'],
    ['an unknown field', { text: 'abc', salt: 'x' }, 'validation_failed'],
    ['text over 64 KiB', { text: 'x'.repeat(65_537) }, 'validation_failed'],
    ['text that is not the declared encoding', { text: 'not hex', encoding: 'hex' }, 'invalid_encoding'],
  ])('400 for %s', async (_, body, error) => {
    const key = await t.createKey(5);
    const res = await call(`${t.url}/v1/hash/sha256`, { key, body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error, message: expect.any(String) });
  });

  it('402 when the balance is below the route cost', async () => {
    const key = await t.createKey(1);
    const res = await call(`${t.url}/v1/hash/sha512`, { key, body: { text: 'abc' } });
    expect(res.status).toBe(402);
    expect(await credits(key)).toBe(1);
  });

  it('is listed in the catalog with its alias, routes, costs and its own rate limit', async () => {
    const res = await call(`${t.url}/v1/services`);
    const hash = res.body.services.find((s: { name: string }) => s.name === 'hash');
    const limit = { limit: 30, windowSec: 60 };
    expect(hash).toMatchObject({ aliases: ['digest'], cost: 1, rateLimit: limit });
    expect(hash.routes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'POST', path: '/v1/hash/sha256', cost: 1, rateLimit: limit }),
        expect.objectContaining({ method: 'POST', path: '/v1/hash/sha512', cost: 2, rateLimit: limit }),
        expect.objectContaining({ method: 'GET', path: '/v1/hash/algorithms', cost: 0 }),
      ]),
    );
  });

  it('applies its own rate limit per key: the 31st call in a minute gets 429 with Retry-After', async () => {
    const key = await t.createKey(100);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await call(`${t.url}/v1/hash/sha256`, { key, body: { text: String(i) } })).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    const limited = await call(`${t.url}/v1/hash/sha256`, { key, body: { text: 'again' } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
