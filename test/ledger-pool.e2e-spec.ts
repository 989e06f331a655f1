import { LedgerPool } from '@app/platform';
import { TestApp, startTestApp } from './utils/test-app';

describe.each([
  [undefined, 'off'],
  ['true', 'on'],
])('debit commit mode with DEBIT_SYNC_COMMIT=%s (integration)', (setting, expected) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { DEBIT_SYNC_COMMIT: setting } });
  });
  afterAll(() => t.close());

  it(`debits run with synchronous_commit=${expected}; the shared pool always waits for the flush`, async () => {
    const [row] = await t.app.get(LedgerPool).prepared<{ synchronous_commit: string }>('show_sc', 'SHOW synchronous_commit', []);
    expect(row.synchronous_commit).toBe(expected);
    const { rows } = await t.db.query('SHOW synchronous_commit');
    expect(rows[0].synchronous_commit).toBe('on');
  });
});
