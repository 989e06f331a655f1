import { connect } from 'node:net';
import { EchoModule } from './fixtures/echo/echo.module';
import { call } from './utils/http';
import { TestApp, startTestApp } from './utils/test-app';
import { serverTiming } from './utils/server-timing';

describe('errors (e2e)', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp({ services: [EchoModule], env: { BODY_LIMIT_KB: '16' } });
    key = await t.createKey(100);
  });
  afterAll(() => t.close());

  const credits = async () => (await call(`${t.url}/api/keys/me`, { key })).body.credits;

  it('malformed JSON → 400 invalid_json, not charged', async () => {
    const before = await credits();
    const res = await call(`${t.url}/v1/echo/say`, { key, rawBody: '{"text": "a"' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_json', message: expect.any(String) });
    expect(await credits()).toBe(before);
  });

  it('an error answer carries Server-Timing too, without a service span when no handler ran', async () => {
    const timing = serverTiming((await call(`${t.url}/v1/echo/say`, { key: 'sk_wrong', body: { text: 'a' } })).headers.get('server-timing'));
    expect(Object.keys(timing)).toEqual(['gateway']);
    expect(timing.gateway).toBeGreaterThan(0);
  });

  it.each([
    [{ text: 5 }, 'text'],
    [{}, 'text'],
    [{ text: 'a', unknown: 1 }, 'unknown'],
    [{ text: 'x'.repeat(101) }, 'text'],
  ])('wrong or missing field %j → 400 naming the field', async (body, field) => {
    const res = await call(`${t.url}/v1/echo/say`, { key, body });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation_failed');
    expect(res.body.message).toContain(field);
  });

  it('a JSON array or scalar body → 400', async () => {
    expect((await call(`${t.url}/v1/echo/say`, { key, rawBody: '[1,2]' })).status).toBe(400);
    expect((await call(`${t.url}/v1/echo/say`, { key, rawBody: '"x"' })).status).toBe(400);
  });

  it('a body nested past 32 levels → 400 before validation (whose recursion overflowed on 7000), not charged', async () => {
    const before = await credits();
    for (const n of [33, 7000]) {
      const res = await call(`${t.url}/v1/echo/say`, { key, rawBody: `{"text":"a","x":${'['.repeat(n)}${']'.repeat(n)}}` });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'validation_failed', message: 'The request body nests deeper than 32 levels' });
    }
    expect(await credits()).toBe(before);
  });

  it('what the Node HTTP parser refuses gets a JSON error too: 400 bad_request, 431 headers_too_large; a charset other than UTF-8 → 415', async () => {
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(t.url).port), '127.0.0.1');
        let got = '';
        socket.on('data', (d) => (got += d.toString()));
        socket.on('end', () => resolve(got));
        socket.on('error', reject);
        socket.end(request);
      });
    const bad = await raw('GET /health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(bad.split('\r\n\r\n')[1])).toEqual({ error: 'bad_request', message: 'The request is not valid HTTP' });
    const big = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(big.split('\r\n\r\n')[1]).error).toBe('headers_too_large');
    const latin1 = await call(`${t.url}/v1/echo/say`, { key, rawBody: '{"text":"a"}', headers: { 'content-type': 'application/json; charset=latin1' } });
    expect(latin1.status).toBe(415);
    expect(latin1.body.error).toBe('unsupported_media_type');
  });

  it('a body over the limit → 413 payload_too_large', async () => {
    const res = await call(`${t.url}/v1/echo/say`, { key, body: { text: 'x'.repeat(20_000) } });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
  });

  it('unknown service → 404 unknown_service; unknown route → 404 not_found; alias reaches the service', async () => {
    const unknown = await call(`${t.url}/v1/nope/x`, { key });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('unknown_service');
    const route = await call(`${t.url}/v1/echo/nope`, { key });
    expect(route.status).toBe(404);
    expect(route.body.error).toBe('not_found');
    expect((await call(`${t.url}/nothing-here`)).body.error).toBe('not_found');
    const alias = await call(`${t.url}/v1/MIRROR/say`, { key, body: { text: 'hi' } });
    expect(alias.status).toBe(201);
    expect(alias.body).toEqual({ text: 'hi' });
    expect((await call(`${t.url}/v1/%E0%A4%A/x`, { key })).status).toBe(404);
  });

  it('an unexpected exception never leaks a stack trace', async () => {
    const res = await call(`${t.url}/v1/echo/crash`, { key, body: {} });
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toMatch(/passwd|at \w+ \(|\.ts:/);
  });
});
