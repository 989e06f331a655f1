import { call } from '../../../../test/utils/http';
import { startTestApp, TestApp } from '../../../../test/utils/test-app';
import { DnsModule } from './dns.module';
import { startSilentDnsServer, startTestDnsServer, TestDnsServer } from './testing/dns-test-server';

describe('dns service through the gateway (e2e)', () => {
  let dns: TestDnsServer;
  let t: TestApp;
  beforeAll(async () => {
    dns = await startTestDnsServer({
      'example.test': { A: [{ address: '192.0.2.10' }], MX: [{ exchange: 'mx.example.test', priority: 10 }] },
      '10.2.0.192.in-addr.arpa': { PTR: [{ domain: 'example.test' }] },
    });
    t = await startTestApp({ services: [DnsModule], env: { DNS_SERVERS: dns.address } });
  });
  afterAll(async () => {
    await t?.close();
    await dns?.close();
  });

  const credits = async (key: string) => (await call(`${t.url}/api/keys/me`, { key })).body.credits as number;

  it('401 without a key, and no query reaches the resolver', async () => {
    const before = dns.queries.length;
    const res = await call(`${t.url}/v1/dns/lookup?name=example.test`);
    expect(res.status).toBe(401);
    expect(dns.queries.length).toBe(before);
  });

  it('answers through the real resolver and debits exactly 1 credit per call', async () => {
    const key = await t.createKey(10);
    const res = await call(`${t.url}/v1/dns/lookup?name=example.test&type=MX`, { key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'example.test', type: 'MX', records: [{ priority: 10, exchange: 'mx.example.test' }] });
    expect(await credits(key)).toBe(9);
    const reverse = await call(`${t.url}/v1/dns/reverse?ip=192.0.2.10`, { key });
    expect(reverse.body).toMatchObject({ records: ['example.test'] });
    expect(await credits(key)).toBe(8);
  });

  it('NXDOMAIN is a 404 not_found that is still charged (the lookup was done); bad input is a 400 that is not', async () => {
    const key = await t.createKey(10);
    const missing = await call(`${t.url}/v1/dns/lookup?name=nope.example.test`, { key });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'not_found' });
    expect(await credits(key)).toBe(9);
    for (const query of ['name=bad..name', 'name=example.test&type=ANY', 'name=example.test&type=BOGUS', '']) {
      const res = await call(`${t.url}/v1/dns/lookup?${query}`, { key });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'validation_failed' });
    }
    expect(await credits(key)).toBe(9);
  });

  it('is listed in the catalog with its routes, cost and rate limit', async () => {
    const res = await call(`${t.url}/v1/services`);
    const entry = res.body.services.find((s: { name: string }) => s.name === 'dns');
    const limit = { limit: 60, windowSec: 60 };
    expect(entry).toMatchObject({ cost: 1, rateLimit: limit });
    expect(entry.routes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'GET', path: '/v1/dns/lookup', cost: 1, rateLimit: limit }),
        expect.objectContaining({ method: 'GET', path: '/v1/dns/reverse', cost: 1, rateLimit: limit }),
      ]),
    );
  });
});

describe('dns service with a dead resolver (e2e)', () => {
  it('answers 504 in bounded time and refunds the call', async () => {
    const silent = await startSilentDnsServer();
    const t = await startTestApp({ services: [DnsModule], env: { DNS_SERVERS: silent.address, DNS_DEADLINE_MS: '1500' } });
    try {
      const key = await t.createKey(5);
      const started = Date.now();
      const res = await call(`${t.url}/v1/dns/lookup?name=example.test`, { key });
      expect(res.status).toBe(504);
      expect(res.body).toMatchObject({ error: 'resolver_timeout', message: expect.any(String) });
      expect(Date.now() - started).toBeLessThan(2500);
      expect((await call(`${t.url}/api/keys/me`, { key })).body.credits).toBe(5);
    } finally {
      await t.close();
      await silent.close();
    }
  });
});
