import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 0));

  it('returns a value until its TTL runs out, with the time left', () => {
    const cache = new TtlCache<string>(10, clock);
    cache.set('k', 'v', 1000);
    now = 400;
    expect(cache.get('k')).toEqual({ value: 'v', remainingMs: 600 });
    now = 1000;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry beyond its bound', () => {
    const cache = new TtlCache<number>(2, clock);
    cache.set('a', 1, 1000);
    cache.set('b', 2, 1000);
    cache.get('a');
    cache.set('c', 3, 1000);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.value).toBe(1);
    expect(cache.get('c')?.value).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('stores nothing with a zero TTL or a zero size', () => {
    const cache = new TtlCache<number>(2, clock);
    cache.set('a', 1, 0);
    expect(cache.size).toBe(0);
    const none = new TtlCache<number>(0, clock);
    none.set('a', 1, 1000);
    expect(none.size).toBe(0);
  });
});
