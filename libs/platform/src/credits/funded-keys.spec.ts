import { FundedKeys } from './funded-keys';

describe('FundedKeys', () => {
  let now = 0;
  let ledger = 0n;
  const keys = () => new FundedKeys(() => now, 3);
  /** A debit of `hash` that starts now and succeeds leaving `balance`, committed in call order. */
  const debit = (f: FundedKeys, hash: string, balance: number, keyId = `id-${hash}`) => {
    const started = f.begin();
    return () => f.funded(hash, started, { keyId, balance, ledgerId: ++ledger });
  };
  beforeEach(() => (now = 1_000_000));

  it('gives no head start to a key it has not seen funded', () => {
    expect(keys().reserve('k', 1)).toBeUndefined();
  });

  it('reserves the last known balance net of the head starts in flight, two at most, and gives it back on release', () => {
    const f = keys();
    debit(f, 'k', 10)();
    const a = f.reserve('k', 6)!;
    expect(f.reserve('k', 6)).toBeUndefined();
    const b = f.reserve('k', 1)!;
    expect(f.reserve('k', 1)).toBeUndefined();
    a();
    a();
    expect(f.reserve('k', 6)).toBeInstanceOf(Function);
    b();
  });

  it('keeps the balance of the latest commit when debits finish out of order', () => {
    const f = keys();
    debit(f, 'k', 5)();
    const first = f.begin();
    const firstLedger = ++ledger;
    debit(f, 'k', 1)();
    f.funded('k', first, { keyId: 'id-k', balance: 2, ledgerId: firstLedger });
    expect(f.reserve('k', 2)).toBeUndefined();
    expect(f.reserve('k', 1)).toBeInstanceOf(Function);
  });

  it('after a failure, only a debit started later funds the key again; admin changes count as failures', () => {
    const f = keys();
    debit(f, 'k', 5)();
    const earlier = debit(f, 'k', 4);
    f.forget('k');
    earlier();
    expect(f.reserve('k', 1)).toBeUndefined();
    debit(f, 'k', 3)();
    expect(f.reserve('k', 1)).toBeInstanceOf(Function);
    f.forgetKeyId('id-k');
    expect(f.reserve('k', 1)).toBeUndefined();
  });

  it('ages out, and holds at most its bound of keys, dropping the least recently funded', () => {
    const f = keys();
    for (const k of ['a', 'b', 'c']) debit(f, k, 1)();
    debit(f, 'a', 1)();
    debit(f, 'd', 1)();
    expect(f.reserve('b', 1)).toBeUndefined();
    for (const k of ['a', 'c', 'd']) expect(f.reserve(k, 1)).toBeInstanceOf(Function);
    now += 61_000;
    expect(f.reserve('a', 1)).toBeUndefined();
  });
});
