import { call } from './utils/http';
import { TestApp, startTestApp } from './utils/test-app';

describe('admin API (e2e)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    admin = { authorization: `Bearer ${t.adminToken}` };
  });
  afterAll(() => t.close());

  it('refuses NUL in text, a page offset past 1e9 and a balance past 2e9 with stable codes, storing nothing', async () => {
    const nul = await call(`${t.url}/admin/keys`, { headers: admin, body: { credits: 1, label: 'a\u0000b' } });
    expect(nul.status).toBe(400);
    expect(nul.body).toMatchObject({ error: 'validation_failed', message: 'label must not contain NUL characters' });
    const rich = await call(`${t.url}/admin/keys`, { headers: admin, body: { credits: 1_000_000_000, label: 'rich' } });
    const id = rich.body.id;
    const reason = await call(`${t.url}/admin/keys/${id}/credits`, { headers: admin, body: { delta: 1, reason: 'x\u0000' } });
    expect(reason.status).toBe(400);
    for (const offset of ['1000000001', '1e20', '9223372036854775808']) {
      expect((await call(`${t.url}/admin/keys?offset=${offset}`, { headers: admin })).status).toBe(400);
      expect((await call(`${t.url}/admin/keys/${id}/ledger?offset=${offset}`, { headers: admin })).status).toBe(400);
    }
    const grant = (delta: number) => call(`${t.url}/admin/keys/${id}/credits`, { headers: admin, body: { delta, reason: 'grant' } });
    expect((await grant(1_000_000_000)).body.credits).toBe(2_000_000_000);
    const over = await grant(1_000_000_000);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ error: 'balance_too_large', credits: 2_000_000_000 });
    expect((await grant(1)).status).toBe(409);
    const ledger = await call(`${t.url}/admin/keys/${id}/ledger`, { headers: admin });
    expect(ledger.body.items.map((e: { delta: number }) => e.delta)).toEqual([1_000_000_000, 1_000_000_000]);
  });

  it('creates, lists, reads, grants, revokes, disables, and shows the ledger newest first', async () => {
    const created = await call(`${t.url}/admin/keys`, { headers: admin, body: { credits: 30, label: 'team-a' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ credits: 30, label: 'team-a' });
    expect(created.body.key).toMatch(/^sk_/);
    const id = created.body.id;

    const one = await call(`${t.url}/admin/keys/${id}`, { headers: admin });
    expect(one.body).toMatchObject({ id, label: 'team-a', credits: 30, disabled: false, lastUsedAt: null });
    expect(one.body.createdAt).toBeDefined();

    expect((await call(`${t.url}/admin/keys/${id}/credits`, { headers: admin, body: { delta: 20, reason: 'bonus' } })).body.credits).toBe(50);
    expect((await call(`${t.url}/admin/keys/${id}/credits`, { headers: admin, body: { delta: -45, reason: 'abuse' } })).body.credits).toBe(5);
    const tooMuch = await call(`${t.url}/admin/keys/${id}/credits`, { headers: admin, body: { delta: -6, reason: 'x' } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ error: 'negative_balance', credits: 5 });

    const ledger = await call(`${t.url}/admin/keys/${id}/ledger?limit=2`, { headers: admin });
    expect(ledger.status).toBe(200);
    expect(ledger.body.total).toBe(3);
    expect(ledger.body.items.map((e: { delta: number }) => e.delta)).toEqual([-45, 20]);
    expect(ledger.body.items[0]).toMatchObject({ balanceAfter: 5, reason: 'admin: abuse', service: null, requestId: null });
    const page2 = await call(`${t.url}/admin/keys/${id}/ledger?limit=2&offset=2`, { headers: admin });
    expect(page2.body.items.map((e: { delta: number }) => e.delta)).toEqual([30]);

    const disabled = await call(`${t.url}/admin/keys/${id}`, { method: 'PATCH', headers: admin, body: { disabled: true } });
    expect(disabled.body.disabled).toBe(true);
    const me = await call(`${t.url}/api/keys/me`, { key: created.body.key });
    expect(me.body.error).toBe('key_disabled');

    const list = await call(`${t.url}/admin/keys?limit=1`, { headers: admin });
    expect(list.body).toMatchObject({ total: expect.any(Number), limit: 1, offset: 0 });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].key).toBeUndefined();
  });

  it.each([
    ['no token', {}, 401],
    ['wrong token', { authorization: 'Bearer wrong-token-wrong-token' }, 401],
  ])('%s → %i', async (_n, headers, status) => {
    const res = await call(`${t.url}/admin/keys`, { headers });
    expect(res.status).toBe(status);
    expect(res.body.error).toBe('unauthorized');
  });

  it.each([
    [{ credits: -1 }, 'credits'],
    [{ credits: 1.5 }, 'credits'],
    [{ credits: '10' }, 'credits'],
    [{}, 'credits'],
    [{ credits: 1, label: 'x'.repeat(201) }, 'label'],
    [{ credits: 1, extra: true }, 'extra'],
  ])('rejects bad key input %j', async (body, field) => {
    const res = await call(`${t.url}/admin/keys`, { headers: admin, body });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation_failed');
    expect(res.body.message).toContain(field);
  });

  it.each([
    [{ delta: 0, reason: 'x' }],
    [{ delta: 1.5, reason: 'x' }],
    [{ delta: 5 }],
    [{ delta: 5, reason: '' }],
  ])('rejects bad credit adjustments %j', async (body) => {
    const key = await call(`${t.url}/admin/keys`, { headers: admin, body: { credits: 1 } });
    const res = await call(`${t.url}/admin/keys/${key.body.id}/credits`, { headers: admin, body });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation_failed');
  });

  it('404 for an unknown key id, 400 for a malformed one', async () => {
    const missing = await call(`${t.url}/admin/keys/00000000-0000-4000-8000-000000000000`, { headers: admin });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('key_not_found');
    const grant = await call(`${t.url}/admin/keys/00000000-0000-4000-8000-000000000000/credits`, { headers: admin, body: { delta: 1, reason: 'x' } });
    expect(grant.status).toBe(404);
    expect((await call(`${t.url}/admin/keys/not-a-uuid`, { headers: admin })).status).toBe(400);
  });
});

describe('admin API without ADMIN_TOKEN (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_TOKEN: undefined } });
  });
  afterAll(() => t.close());

  it('does not exist', async () => {
    const res = await call(`${t.url}/admin/keys`, { headers: { authorization: 'Bearer anything-at-all-here' } });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});
