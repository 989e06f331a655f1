import { generateKey, hashKey } from './key-material';

describe('key material', () => {
  it('has 32 random bytes behind sk_ and a SHA-256 hash', () => {
    const a = generateKey();
    const b = generateKey();
    expect(a.key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.key.slice(3), 'base64url')).toHaveLength(32);
    expect(a.key).not.toBe(b.key);
    expect(a.hash).toBe(hashKey(a.key));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.key.startsWith(a.displayPrefix)).toBe(true);
  });
});
