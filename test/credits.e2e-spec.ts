import { EchoModule } from './fixtures/echo/echo.module';
import { call } from './utils/http';
import { TestApp, startTestApp } from './utils/test-app';

describe('credits (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ services: [EchoModule] });
  });
  afterAll(() => t.close());

  const balance = async (id: string) => (await t.db.query('SELECT credits FROM api_keys WHERE id = $1', [id])).rows[0].credits as number;
  const ledgerSum = async (id: string) =>
    Number((await t.db.query('SELECT coalesce(sum(delta),0) AS s FROM credit_ledger WHERE key_id = $1', [id])).rows[0].s);

  it('120 concurrent paid calls on 50 credits: exactly 50 succeed, 70 get 402, ledger = balance = 0', async () => {
    const key = await t.createKey(50);
    const id = await t.keyId(key);
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => call(`${t.url}/v1/echo/slow`, { key, body: { text: String(i) } })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201 || s === 200)).toHaveLength(50);
    expect(statuses.filter((s) => s === 402)).toHaveLength(70);
    expect(results.find((r) => r.status === 402)?.body.error).toBe('insufficient_credits');
    expect(await balance(id)).toBe(0);
    expect(await ledgerSum(id)).toBe(0);
    const debits = await t.db.query(`SELECT count(*)::int AS n FROM credit_ledger WHERE key_id = $1 AND reason = 'debit'`, [id]);
    expect(debits.rows[0].n).toBe(50);
  });

  it('debits the declared cost and reports X-Credits-Remaining', async () => {
    const key = await t.createKey(20);
    const res = await call(`${t.url}/v1/echo/pricey`, { key, body: {} });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-credits-remaining')).toBe('15');
    const free = await call(`${t.url}/v1/echo/free`, { key });
    expect(free.status).toBe(200);
    expect(await balance(await t.keyId(key))).toBe(15);
  });

  it('402 when the balance is below the cost, without a ledger row', async () => {
    const key = await t.createKey(4);
    const id = await t.keyId(key);
    const res = await call(`${t.url}/v1/echo/pricey`, { key, body: {} });
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ error: 'insufficient_credits', cost: 5 });
    expect(await balance(id)).toBe(4);
    expect(await ledgerSum(id)).toBe(4);
  });

  it('refunds a platform failure (503) and an unexpected crash (500) with their own ledger rows', async () => {
    const key = await t.createKey(10);
    const id = await t.keyId(key);
    const down = await call(`${t.url}/v1/echo/down`, { key, body: {} });
    expect(down.status).toBe(503);
    expect(down.body.error).toBe('echo_backend_down');
    expect(down.headers.get('x-credits-remaining')).toBe('10');
    const crash = await call(`${t.url}/v1/echo/crash`, { key, body: {} });
    expect(crash.status).toBe(500);
    expect(crash.body).toEqual({ error: 'internal_error', message: 'Internal error' });
    expect(await balance(id)).toBe(10);
    const rows = await t.db.query(`SELECT delta, reason, service, request_id FROM credit_ledger WHERE key_id = $1 ORDER BY id`, [id]);
    expect(rows.rows.map((r) => [r.delta, r.reason])).toEqual([
      [10, 'admin: initial grant'],
      [-1, 'debit'],
      [1, 'refund'],
      [-1, 'debit'],
      [1, 'refund'],
    ]);
    expect(rows.rows[1].request_id).toBe(rows.rows[2].request_id);
    expect(await ledgerSum(id)).toBe(10);
  });

  /** A key with `credits`, debited once by a call of the tally route, and how to read the tally. */
  const fundedTallyKey = async (credits: number) => {
    const key = await t.createKey(credits);
    const id = await t.keyId(key);
    const tallied = async () => (await call(`${t.url}/v1/echo/tallied`, { key })).body.tallied as number;
    expect((await call(`${t.url}/v1/echo/tally`, { key, body: {} })).status).toBe(201);
    return { key, id, tallied, before: await tallied() };
  };

  it('a key debited moments ago runs its handler beside its debit; a failed debit is still the answer, and costs nothing', async () => {
    const { key, id, tallied, before } = await fundedTallyKey(3);
    // Another gateway instance drains the key meanwhile: this instance still believes 2 are left.
    await t.db.query('UPDATE api_keys SET credits = 0 WHERE id = $1', [id]);
    const drained = await call(`${t.url}/v1/echo/tally`, { key, body: {} });
    expect(drained.status).toBe(402);
    expect(drained.body).toMatchObject({ error: 'insufficient_credits' });
    expect(await tallied()).toBe(before + 1);
    // Now known to be short, the next call gets no head start: its handler does not run.
    expect((await call(`${t.url}/v1/echo/tally`, { key, body: {} })).status).toBe(402);
    expect(await tallied()).toBe(before + 1);
    await t.db.query('UPDATE api_keys SET credits = 3 WHERE id = $1', [id]);
    expect((await call(`${t.url}/v1/echo/tally`, { key, body: {} })).status).toBe(201);
    expect(await tallied()).toBe(before + 2);
    // A handler's own failure does not hide a failed debit.
    await t.db.query('UPDATE api_keys SET credits = 0 WHERE id = $1', [id]);
    expect((await call(`${t.url}/v1/echo/crash`, { key, body: {} })).status).toBe(402);
    await t.db.query('UPDATE api_keys SET credits = 3 WHERE id = $1', [id]);
    expect((await call(`${t.url}/v1/echo/tally`, { key, body: {} })).status).toBe(201);
    await t.db.query('UPDATE api_keys SET disabled = true WHERE id = $1', [id]);
    const disabled = await call(`${t.url}/v1/echo/tally`, { key, body: {} });
    expect(disabled.status).toBe(401);
    expect(disabled.body.error).toBe('key_disabled');
    expect(await t.db.query(`SELECT count(*)::int AS n FROM credit_ledger WHERE key_id = $1 AND reason = 'debit'`, [id])).toMatchObject({ rows: [{ n: 3 }] });
  });

  it('a key disabled through the admin API gets no head start on this gateway', async () => {
    const { key, id, tallied, before } = await fundedTallyKey(5);
    const admin = { authorization: `Bearer ${t.adminToken}` };
    expect((await call(`${t.url}/admin/keys/${id}`, { method: 'PATCH', headers: admin, body: { disabled: true } })).status).toBe(200);
    expect((await call(`${t.url}/v1/echo/tally`, { key, body: {} })).status).toBe(401);
    await call(`${t.url}/admin/keys/${id}`, { method: 'PATCH', headers: admin, body: { disabled: false } });
    expect(await tallied()).toBe(before);
  });

  const ledgerRows = async (id: string) => Number((await t.db.query('SELECT count(*) AS n FROM credit_ledger WHERE key_id = $1', [id])).rows[0].n);

  it('does not refund a user error; input that fails validation is refused before any debit', async () => {
    const key = await t.createKey(10);
    const id = await t.keyId(key);
    expect((await call(`${t.url}/v1/echo/teapot`, { key, body: {} })).status).toBe(418);
    expect(await balance(id)).toBe(9);
    const rows = await ledgerRows(id);
    const bad = await call(`${t.url}/v1/echo/say`, { key, body: { text: 42 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('validation_failed');
    expect(bad.body.message).toContain('text');
    expect(bad.headers.get('x-credits-remaining')).toBeNull();
    expect(await balance(id)).toBe(9);
    expect(await ledgerRows(id)).toBe(rows);
  });

  it('a paid call validates its arguments once, ahead of its charge, and its handler gets that result', async () => {
    const key = await t.createKey(10);
    const first = await call(`${t.url}/v1/echo/counted?n=7`, { key });
    expect(first.status).toBe(200);
    expect(first.body.n).toBe(7);
    const second = await call(`${t.url}/v1/echo/counted?n=8`, { key });
    expect(second.body).toEqual({ n: 8, validations: first.body.validations + 1 });
    const bad = await call(`${t.url}/v1/echo/counted?n=x`, { key });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-credits-remaining')).toBeNull();
  });

  it('bad requests in flight never hold the credit a good one needs', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const key = await t.createKey(1);
      const bad = Array.from({ length: 20 }, () => call(`${t.url}/v1/echo/say`, { key, body: { text: 42 } }));
      const good = call(`${t.url}/v1/echo/say`, { key, body: { text: 'hi' } });
      const answers = await Promise.all([...bad, good]);
      expect(answers.slice(0, 20).map((r) => r.status)).toEqual(Array(20).fill(400));
      expect(answers[20].status).toBe(201);
      expect(await balance(await t.keyId(key))).toBe(0);
    }
  });
});
