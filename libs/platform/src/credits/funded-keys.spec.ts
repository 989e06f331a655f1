import { FundedKeys } from './funded-keys';

describe('FundedKeys', () => {
  let now = 0;
  const keys = () => new FundedKeys(() => now, 3);
  beforeEach(() => (now = 1_000_000));

  it('gives no head start to a key it has not seen funded', () => {
    expect(keys().reserve('k', 1)).toBeUndefined();
  });

  it('reserves the last known balance net of the calls in flight, and gives it back on release', () => {
    const f = keys();
    f.funded('k', 3);
    const a = f.reserve('k', 2)!;
    expect(a).toBeInstanceOf(Function);
    expect(f.reserve('k', 2)).toBeUndefined();
    const b = f.reserve('k', 1)!;
    expect(f.reserve('k', 1)).toBeUndefined();
    a();
    a();
    expect(f.reserve('k', 2)).toBeInstanceOf(Function);
    b();
  });

  it('keeps reservations across a new balance, forgets a failed key, and ages out', () => {
    const f = keys();
    f.funded('k', 5);
    const held = f.reserve('k', 4)!;
    f.funded('k', 4);
    expect(f.reserve('k', 1)).toBeUndefined();
    held();
    expect(f.reserve('k', 4)).toBeInstanceOf(Function);
    f.forget('k');
    expect(f.reserve('k', 1)).toBeUndefined();
    f.funded('k', 5);
    now += 61_000;
    expect(f.reserve('k', 1)).toBeUndefined();
  });

  it('holds at most its bound of keys, dropping the least recently funded', () => {
    const f = keys();
    for (const k of ['a', 'b', 'c']) f.funded(k, 1);
    f.funded('a', 1);
    f.funded('d', 1);
    expect(f.reserve('b', 1)).toBeUndefined();
    for (const k of ['a', 'c', 'd']) expect(f.reserve(k, 1)).toBeInstanceOf(Function);
  });
});
