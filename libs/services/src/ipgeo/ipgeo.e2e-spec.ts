import { call } from '../../../../test/utils/http';
import { startTestApp, TestApp } from '../../../../test/utils/test-app';
import { IpgeoModule } from './ipgeo.module';

describe('ipgeo service through the gateway (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ services: [IpgeoModule] });
  });
  afterAll(() => t?.close());

  const credits = async (key: string) => (await call(`${t.url}/api/keys/me`, { key })).body.credits as number;

  it('401 without a key, even on the free /info route', async () => {
    expect((await call(`${t.url}/v1/ipgeo/8.8.8.8`)).status).toBe(401);
    expect((await call(`${t.url}/v1/ipgeo/info`)).status).toBe(401);
  });

  it('locates IPv4 and IPv6, by query and by path, for exactly 1 credit each', async () => {
    const key = await t.createKey(10);
    const v4 = await call(`${t.url}/v1/ipgeo/lookup?ip=8.8.8.8`, { key });
    expect(v4.status).toBe(200);
    expect(v4.body).toMatchObject({ ip: '8.8.8.8', reserved: false, found: true, country: 'US', timezone: expect.any(String) });
    expect(await credits(key)).toBe(9);
    const v6 = await call(`${t.url}/v1/ipgeo/2001:4860:4860::8888`, { key });
    expect(v6.body).toMatchObject({ ip: '2001:4860:4860::8888', version: 6, country: 'US' });
    expect(await credits(key)).toBe(8);
  });

  it("answers the caller's own address when ip is omitted (loopback: reserved, no location)", async () => {
    const key = await t.createKey(5);
    const res = await call(`${t.url}/v1/ipgeo/lookup`, { key, headers: { 'x-forwarded-for': '8.8.8.8' } });
    // Without TRUST_PROXY a client cannot choose its own address with X-Forwarded-For.
    expect(res.body).toEqual({ ip: '127.0.0.1', version: 4, reserved: true, range: 'loopback' });
  });

  it('reports the data source for free', async () => {
    const key = await t.createKey(5);
    const res = await call(`${t.url}/v1/ipgeo/info`, { key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ source: 'geoip-lite', dataDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(await credits(key)).toBe(5);
  });

  it('400 for what is not an address, not charged', async () => {
    const key = await t.createKey(5);
    for (const path of ['/v1/ipgeo/lookup?ip=999.1.1.1', '/v1/ipgeo/not-an-ip', '/v1/ipgeo/lookup?ip=fe80::1%25eth0']) {
      const res = await call(`${t.url}${path}`, { key });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'validation_failed' });
    }
    expect(await credits(key)).toBe(5);
  });

  it('is listed in the catalog with a free /info and paid lookups', async () => {
    const res = await call(`${t.url}/v1/services`);
    const entry = res.body.services.find((s: { name: string }) => s.name === 'ipgeo');
    expect(entry).toMatchObject({ cost: 1, rateLimit: { limit: expect.any(Number), windowSec: expect.any(Number) } });
    expect(entry.routes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'GET', path: '/v1/ipgeo/info', cost: 0 }),
        expect.objectContaining({ method: 'GET', path: '/v1/ipgeo/lookup', cost: 1 }),
        expect.objectContaining({ method: 'GET', path: '/v1/ipgeo/:ip', cost: 1 }),
      ]),
    );
  });

  it('reports itself in /health', async () => {
    const res = await call(`${t.url}/health`);
    expect(JSON.stringify(res.body)).toContain('ipgeo');
  });
});

describe('ipgeo behind a trusted proxy (e2e)', () => {
  it('uses X-Forwarded-For for the caller address only when TRUST_PROXY is set', async () => {
    const t = await startTestApp({ services: [IpgeoModule], env: { TRUST_PROXY: 'true' } });
    try {
      const key = await t.createKey(5);
      const res = await call(`${t.url}/v1/ipgeo/lookup`, { key, headers: { 'x-forwarded-for': '8.8.8.8' } });
      expect(res.body).toMatchObject({ ip: '8.8.8.8', country: 'US' });
    } finally {
      await t.close();
    }
  });
});
