import { IpgeoService } from './ipgeo.service';

describe('IpgeoService', () => {
  const service = new IpgeoService();
  beforeAll(() => service.onModuleInit());

  it('looks up in microseconds once the database is loaded', () => {
    const n = 20_000;
    const started = performance.now();
    for (let i = 0; i < n; i++) service.lookup(`81.2.${i % 250}.${i % 200}`);
    const perLookupUs = ((performance.now() - started) * 1000) / n;
    expect(perLookupUs).toBeLessThan(50);
  });

  it('answers a global-unicast address with no database entry as found: false rather than an error', () => {
    // 2d00::/8 is inside 2000::/3 but not yet allocated by IANA, so no database has it.
    expect(service.lookup('2d00::1')).toEqual({
      ip: '2d00::1',
      version: 6,
      reserved: false,
      found: false,
      country: null,
      countryName: null,
      region: null,
      city: null,
      latitude: null,
      longitude: null,
      timezone: null,
      eu: null,
      accuracyRadiusKm: null,
    });
  });

  it('refuses what is not an address', () => {
    expect(() => service.lookup('example.com')).toThrow(expect.objectContaining({ code: 'invalid_ip', status: 400 }));
  });

  it('reports health once loaded', async () => {
    await expect(service.health()).resolves.toMatchObject({ status: 'up' });
  });
});
