import { BareServiceApp, startBareServiceApp } from './testing/bare-service-app';
import { startSilentDnsServer, startTestDnsServer, TestDnsServer, TestZone } from './testing/dns-test-server';
import { DnsModule } from './dns.module';

const ZONE: TestZone = {
  'example.test': {
    A: [{ address: '192.0.2.10' }, { address: '192.0.2.11' }],
    AAAA: [{ address: '2001:db8::10' }],
    MX: [
      { exchange: 'mx2.example.test', priority: 20 },
      { exchange: 'mx1.example.test', priority: 10 },
    ],
    TXT: [{ data: 'v=spf1 -all' }, { data: ['part one, ', 'part two'] }],
    NS: [{ ns: 'ns1.example.test' }, { ns: 'ns2.example.test' }],
    SOA: [
      {
        primary: 'ns1.example.test',
        admin: 'hostmaster.example.test',
        serial: 2026112601,
        refresh: 7200,
        retry: 900,
        expiration: 1209600,
        minimum: 300,
      },
    ],
    CAA: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }],
  },
  'www.example.test': { CNAME: [{ domain: 'example.test' }] },
  '_sip._tcp.example.test': { SRV: [{ priority: 10, weight: 5, port: 5060, target: 'sip.example.test' }] },
  'empty.example.test': { A: [{ address: '192.0.2.99' }] },
  '10.2.0.192.in-addr.arpa': { PTR: [{ domain: 'example.test' }] },
  '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa': { PTR: [{ domain: 'v6.example.test' }] },
  'xn--bcher-kva.test': { A: [{ address: '192.0.2.20' }] },
};

describe('DnsController over HTTP with a real DNS server on loopback', () => {
  let dns: TestDnsServer;
  let app: BareServiceApp;

  beforeAll(async () => {
    dns = await startTestDnsServer(ZONE);
    app = await startBareServiceApp([DnsModule], { DNS_SERVERS: dns.address });
  });
  afterAll(async () => {
    await app?.close();
    await dns?.close();
  });

  it('answers A with the TTL from the wire, then from the cache without asking again', async () => {
    const first = await app.get('/v1/dns/lookup?name=Example.Test.');
    expect(first).toEqual({
      status: 200,
      body: { name: 'example.test', type: 'A', records: ['192.0.2.10', '192.0.2.11'], resolver: dns.address, ttl: 300, cached: false },
    });
    const second = await app.get('/v1/dns/lookup?name=example.test&type=a');
    expect(second.body).toMatchObject({ records: ['192.0.2.10', '192.0.2.11'], cached: true });
    expect(second.body.ttl).toBeGreaterThan(298);
    expect(dns.queries.filter((q) => q === 'A example.test')).toHaveLength(1);
  });

  it.each([
    ['AAAA', 'example.test', ['2001:db8::10']],
    ['CNAME', 'www.example.test', ['example.test']],
    [
      'MX',
      'example.test',
      [
        { priority: 10, exchange: 'mx1.example.test' },
        { priority: 20, exchange: 'mx2.example.test' },
      ],
    ],
    ['TXT', 'example.test', ['v=spf1 -all', 'part one, part two']],
    ['NS', 'example.test', ['ns1.example.test', 'ns2.example.test']],
    [
      'SOA',
      'example.test',
      [
        {
          nsname: 'ns1.example.test',
          hostmaster: 'hostmaster.example.test',
          serial: 2026112601,
          refresh: 7200,
          retry: 900,
          expire: 1209600,
          minttl: 300,
        },
      ],
    ],
    ['SRV', '_sip._tcp.example.test', [{ priority: 10, weight: 5, port: 5060, target: 'sip.example.test' }]],
    ['CAA', 'example.test', [{ critical: 0, tag: 'issue', value: 'letsencrypt.org' }]],
    ['PTR', '10.2.0.192.in-addr.arpa', ['example.test']],
  ])('answers %s for %s', async (type, name, records) => {
    const res = await app.get(`/v1/dns/lookup?name=${name}&type=${type}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name, type, records, resolver: dns.address });
  });

  it('follows a CNAME for A', async () => {
    const res = await app.get('/v1/dns/lookup?name=www.example.test');
    expect(res.body).toMatchObject({ records: ['192.0.2.10', '192.0.2.11'] });
  });

  it('turns an address into its arpa name for type=PTR and for /reverse (IPv4 and IPv6)', async () => {
    expect((await app.get('/v1/dns/lookup?name=192.0.2.10&type=PTR')).body).toMatchObject({
      name: '10.2.0.192.in-addr.arpa',
      records: ['example.test'],
    });
    expect((await app.get('/v1/dns/reverse?ip=192.0.2.10')).body).toMatchObject({ type: 'PTR', records: ['example.test'] });
    expect((await app.get('/v1/dns/reverse?ip=2001:db8::10')).body).toMatchObject({ records: ['v6.example.test'] });
    expect((await app.get('/v1/dns/lookup?name=2001:db8::10&type=ptr')).body).toMatchObject({ records: ['v6.example.test'] });
    expect((await app.get('/v1/dns/lookup?name=2001:db8::10&type=A')).status).toBe(400);
  });

  it('looks up internationalised names in their punycode form', async () => {
    const res = await app.get(`/v1/dns/lookup?name=${encodeURIComponent('bücher.test')}`);
    expect(res.body).toMatchObject({ name: 'xn--bcher-kva.test', records: ['192.0.2.20'] });
  });

  it('answers 200 with no records when the name exists but has none of that type', async () => {
    const res = await app.get('/v1/dns/lookup?name=empty.example.test&type=MX');
    expect(res).toEqual({
      status: 200,
      body: { name: 'empty.example.test', type: 'MX', records: [], resolver: dns.address, cached: false },
    });
  });

  it('answers 404 not_found for NXDOMAIN', async () => {
    const res = await app.get('/v1/dns/lookup?name=missing.example.test');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found' });
    expect((await app.get('/v1/dns/reverse?ip=192.0.2.200')).status).toBe(404);
  });

  it('answers 502 resolver_failure when the resolver says SERVFAIL', async () => {
    const res = await app.get('/v1/dns/lookup?name=servfail.test');
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: 'resolver_failure' });
  });

  it.each([
    ['no name', '/v1/dns/lookup'],
    ['an empty name', '/v1/dns/lookup?name='],
    ['a space in a label', '/v1/dns/lookup?name=exa%20mple.test'],
    ['a shell metacharacter', '/v1/dns/lookup?name=example.test%3Brm'],
    ['an empty label', '/v1/dns/lookup?name=a..test'],
    ['a label of 64 characters', `/v1/dns/lookup?name=${'a'.repeat(64)}.test`],
    ['a name of 254 characters', `/v1/dns/lookup?name=${Array(51).fill('abcd').join('.')}`],
    ['a label starting with a hyphen', '/v1/dns/lookup?name=-a.test'],
    ['two names', '/v1/dns/lookup?name=a.test&name=b.test'],
    ['type ANY', '/v1/dns/lookup?name=example.test&type=ANY'],
    ['an unknown type', '/v1/dns/lookup?name=example.test&type=HINFO'],
    ['a reverse lookup without ip', '/v1/dns/reverse'],
    ['a reverse lookup of a name', '/v1/dns/reverse?ip=example.test'],
    ['a reverse lookup with a zone id', '/v1/dns/reverse?ip=fe80::1%25eth0'],
  ])('answers 400 validation_failed for %s', async (_, path) => {
    const res = await app.get(path);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'validation_failed' });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('says why ANY is refused', async () => {
    const res = await app.get<{ message: string }>('/v1/dns/lookup?name=example.test&type=ANY');
    expect(res.body.message).toContain('ANY is refused');
  });

  it('accepts a name of exactly 253 characters and labels of 63', async () => {
    const name = [...Array(3).fill('a'.repeat(63)), 'b'.repeat(61)].join('.');
    expect(name).toHaveLength(253);
    expect((await app.get(`/v1/dns/lookup?name=${name}`)).status).toBe(404);
  });
});

describe('DnsController with an IPv6 resolver address', () => {
  it('queries a server given as [::1]:port', async () => {
    const dns = await startTestDnsServer({ 'v6.test': { A: [{ address: '192.0.2.6' }] } }, '::1');
    const app = await startBareServiceApp([DnsModule], { DNS_SERVERS: dns.address });
    try {
      expect(dns.address).toMatch(/^\[::1\]:\d+$/);
      const res = await app.get('/v1/dns/lookup?name=v6.test');
      expect(res.body).toMatchObject({ records: ['192.0.2.6'], resolver: dns.address });
    } finally {
      await app.close();
      await dns.close();
    }
  });
});

describe('DnsController with a dead resolver', () => {
  it('answers 504 resolver_timeout within the deadline when the resolver never answers', async () => {
    const silent = await startSilentDnsServer();
    const app = await startBareServiceApp([DnsModule], { DNS_SERVERS: silent.address });
    try {
      const started = Date.now();
      const res = await app.get('/v1/dns/lookup?name=example.test');
      const elapsed = Date.now() - started;
      expect(res.status).toBe(504);
      expect(res.body).toMatchObject({ error: 'resolver_timeout' });
      expect(elapsed).toBeLessThan(5500);
    } finally {
      await app.close();
      await silent.close();
    }
  });

  it('answers 504 quickly when nothing listens on the resolver port', async () => {
    const silent = await startSilentDnsServer();
    const address = silent.address;
    await silent.close();
    const app = await startBareServiceApp([DnsModule], { DNS_SERVERS: address, DNS_DEADLINE_MS: '2000' });
    try {
      const started = Date.now();
      const res = await app.get('/v1/dns/lookup?name=example.test');
      expect(res.status).toBe(504);
      expect(['resolver_timeout', 'resolver_unreachable']).toContain(res.body.error);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await app.close();
    }
  });
});
