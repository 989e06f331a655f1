import { BoundedOutput } from './bounded-output';

describe('BoundedOutput', () => {
  it('keeps the first `limit` bytes and flags the rest', () => {
    const out = new BoundedOutput(10);
    out.push(Buffer.from('hello '));
    out.push(Buffer.from('world, more'));
    out.push(Buffer.alloc(1 << 20));
    expect(out.text()).toBe('hello worl');
    expect(out.truncated).toBe(true);
    expect(out.total).toBe(17 + (1 << 20));
  });

  it('is not truncated at exactly the limit', () => {
    const out = new BoundedOutput(5);
    out.push(Buffer.from('12345'));
    expect(out.truncated).toBe(false);
  });

  it('decodes invalid UTF-8 and NUL into a string JSON can carry', () => {
    const out = new BoundedOutput(100);
    out.push(Buffer.from([0x61, 0xff, 0x00, 0xc3]));
    const text = out.text();
    expect(text).toBe('a\ufffd\u0000\ufffd');
    expect(JSON.parse(JSON.stringify(text))).toBe(text);
  });
});
