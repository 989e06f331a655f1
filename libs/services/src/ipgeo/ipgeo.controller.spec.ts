import { BareServiceApp, startBareServiceApp } from '../dns/testing/bare-service-app';
import { IpgeoModule } from './ipgeo.module';

describe('IpgeoController over HTTP with the real geoip-lite database', () => {
  let app: BareServiceApp;

  beforeAll(async () => {
    app = await startBareServiceApp([IpgeoModule], {});
  });
  afterAll(() => app?.close());

  it('locates a public IPv4 address, by query and by path', async () => {
    const byQuery = await app.get('/v1/ipgeo/lookup?ip=81.2.69.142');
    expect(byQuery.status).toBe(200);
    expect(byQuery.body).toMatchObject({
      ip: '81.2.69.142',
      version: 4,
      reserved: false,
      found: true,
      country: 'GB',
      countryName: 'United Kingdom',
      eu: expect.any(Boolean),
      timezone: 'Europe/London',
    });
    expect(byQuery.body.latitude).toBeCloseTo(52, 0);
    expect(typeof byQuery.body.longitude).toBe('number');
    expect(await app.get('/v1/ipgeo/81.2.69.142')).toEqual(byQuery);
  });

  it('locates an IPv6 address and answers in canonical form', async () => {
    const res = await app.get('/v1/ipgeo/2001:4860:4860:0:0:0:0:8888');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ip: '2001:4860:4860::8888', version: 6, reserved: false, found: true, country: 'US' });
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address', async () => {
    const res = await app.get('/v1/ipgeo/lookup?ip=::ffff:8.8.8.8');
    expect(res.body).toMatchObject({ ip: '8.8.8.8', version: 4, country: 'US' });
  });

  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['169.254.10.10', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fd00::1', 'private'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['::ffff:192.168.0.1', 'private'],
    ['4000::1', 'reserved'],
  ])('answers %s as reserved (%s) with no location', async (ip, range) => {
    const res = await app.get(`/v1/ipgeo/lookup?ip=${encodeURIComponent(ip)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ip: expect.any(String), version: expect.any(Number), reserved: true, range });
  });

  it("locates the caller's own address when ip is omitted (loopback here)", async () => {
    const res = await app.get('/v1/ipgeo/lookup');
    expect(res.body).toEqual({ ip: '127.0.0.1', version: 4, reserved: true, range: 'loopback' });
  });

  it.each([
    ['a name', '/v1/ipgeo/lookup?ip=example.com'],
    ['an empty ip', '/v1/ipgeo/lookup?ip='],
    ['an octet above 255', '/v1/ipgeo/lookup?ip=1.2.3.256'],
    ['a leading zero', '/v1/ipgeo/lookup?ip=1.2.3.04'],
    ['a zone id', '/v1/ipgeo/lookup?ip=fe80::1%25eth0'],
    ['two addresses', '/v1/ipgeo/lookup?ip=1.1.1.1&ip=8.8.8.8'],
    ['a bad path address', '/v1/ipgeo/not-an-ip'],
    ['an unknown parameter', '/v1/ipgeo/lookup?ip=8.8.8.8&x=1'],
  ])('answers 400 validation_failed for %s', async (_, path) => {
    const res = await app.get(path);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'validation_failed' });
  });

  it('reports the data source and its date', async () => {
    const res = await app.get('/v1/ipgeo/info');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      source: 'geoip-lite',
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      provider: 'MaxMind GeoLite2',
      dataDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      dataDateBasis: expect.stringMatching(/^(package-publish-date|file-mtime)$/),
      loadMs: expect.any(Number),
    });
  });

});
