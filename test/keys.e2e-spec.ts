import { createHash } from 'node:crypto';
import { EchoModule } from './fixtures/echo/echo.module';
import { call } from './utils/http';
import { TestApp, startTestApp } from './utils/test-app';

describe('keys (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ services: [EchoModule], env: { FREE_CREDITS: '200' } });
  });
  afterAll(() => t.close());

  it('creates a free key with no auth, shown once and stored only as a hash', async () => {
    const res = await call(`${t.url}/api/keys/create`, { method: 'POST' });
    expect(res.status).toBe(201);
    expect(res.body.credits).toBe(200);
    expect(res.body.key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    const { rows } = await t.db.query('SELECT key_hash FROM api_keys WHERE id = $1', [res.body.id]);
    expect(rows[0].key_hash).toBe(createHash('sha256').update(res.body.key).digest('hex'));
    const all = await t.db.query(`SELECT * FROM api_keys`);
    expect(JSON.stringify(all.rows)).not.toContain(res.body.key);
    const ledger = await t.db.query('SELECT delta, balance_after FROM credit_ledger WHERE key_id = $1', [res.body.id]);
    expect(ledger.rows).toEqual([{ delta: 200, balance_after: 200 }]);
  });

  it('a key is only taken from the Authorization header, never from ?access_token= or the body', async () => {
    const { body: created } = await call(`${t.url}/api/keys/create`, { method: 'POST' });
    const inQuery = await call(`${t.url}/api/keys/me?access_token=${created.key}`);
    expect(inQuery.status).toBe(401);
    expect(inQuery.body.error).toBe('missing_key');
    const inBody = await call(`${t.url}/v1/echo/say`, { body: { text: 'a', access_token: created.key } });
    expect(inBody.status).toBe(401);
    expect(inBody.body.error).toBe('missing_key');
    const basic = { authorization: 'Basic Zm9vOmJhcg==' };
    for (const res of [
      await call(`${t.url}/api/keys/me?access_token=${created.key}`, { headers: basic }),
      await call(`${t.url}/v1/echo/say?access_token=${created.key}`, { headers: basic, body: { text: 'a' } }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_key');
    }
    expect((await call(`${t.url}/api/keys/me`, { key: created.key })).body.credits).toBe(200);
  });

  it('GET /api/keys/me returns balance and usage counts', async () => {
    const { body: created } = await call(`${t.url}/api/keys/create`, { method: 'POST' });
    await call(`${t.url}/v1/echo/say`, { key: created.key, body: { text: 'a' } });
    await call(`${t.url}/v1/mirror/say`, { key: created.key, body: { text: 'b' } });
    const me = await call(`${t.url}/api/keys/me`, { key: created.key });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: created.id, credits: 198, disabled: false, usage: { calls: 2, creditsSpent: 2, byService: { echo: 2 } } });
    expect(me.body.lastUsedAt).not.toBeNull();
    expect(me.body.key).toBeUndefined();
  });

  it.each([
    ['no header', undefined, 'missing_key'],
    ['unknown key', 'Bearer sk_unknown', 'invalid_key'],
    ['wrong scheme', 'Basic abc', 'invalid_key'],
  ])('401 for %s', async (_name, authorization, code) => {
    const res = await call(`${t.url}/api/keys/me`, { headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe(code);
    const paid = await call(`${t.url}/v1/echo/say`, { headers: authorization ? { authorization } : {}, body: { text: 'x' } });
    expect(paid.status).toBe(401);
  });

  it('a disabled key gets 401 everywhere and is not charged', async () => {
    const key = await t.createKey(10);
    const id = await t.keyId(key);
    const patch = await call(`${t.url}/admin/keys/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${t.adminToken}` }, body: { disabled: true } });
    expect(patch.status).toBe(200);
    const res = await call(`${t.url}/v1/echo/say`, { key, body: { text: 'x' } });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('key_disabled');
    const { rows } = await t.db.query('SELECT credits FROM api_keys WHERE id = $1', [id]);
    expect(rows[0].credits).toBe(10);
  });
});
