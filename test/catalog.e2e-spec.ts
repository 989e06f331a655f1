import { EchoModule } from './fixtures/echo/echo.module';
import { call } from './utils/http';
import { TestApp, startTestApp } from './utils/test-app';

describe('service catalog (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ services: [EchoModule], env: { SERVICE_COSTS: 'echo=2', RATE_LIMIT: '50' } });
  });
  afterAll(() => t.close());

  it('lists each service with aliases, routes, costs and limits, from the declarations', async () => {
    const res = await call(`${t.url}/v1/services`);
    expect(res.status).toBe(200);
    const echo = res.body.services.find((s: { name: string }) => s.name === 'echo');
    expect(echo).toMatchObject({ aliases: ['mirror'], cost: 2, rateLimit: { limit: 50, windowSec: 60 } });
    const route = (path: string) => echo.routes.find((r: { path: string }) => r.path === path);
    expect(route('/v1/echo/say')).toEqual({ method: 'POST', path: '/v1/echo/say', cost: 2, rateLimit: { limit: 50, windowSec: 60 } });
    expect(route('/v1/echo/free')).toMatchObject({ method: 'GET', cost: 0, description: 'costs nothing' });
    expect(route('/v1/echo/limited').rateLimit).toEqual({ limit: 3, windowSec: 60 });
  });

  it('charges the operator override (SERVICE_COSTS) exactly', async () => {
    const key = await t.createKey(10);
    const res = await call(`${t.url}/v1/echo/say`, { key, body: { text: 'x' } });
    expect(res.headers.get('x-credits-remaining')).toBe('8');
  });

  it('health reports the database', async () => {
    const res = await call(`${t.url}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: { status: 'up' } });
  });
});
