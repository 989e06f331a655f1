import { HashService } from './hash.service';

describe('HashService', () => {
  const hash = new HashService();

  it('hashes UTF-8 text (FIPS 180-2 test vector)', () => {
    expect(hash.digest('sha256', 'abc')).toEqual({
      algorithm: 'sha256',
      hex: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
  });

  it('hashes the same bytes whether given as text, hex or base64', () => {
    const expected = hash.digest('sha512', 'abc').hex;
    expect(hash.digest('sha512', '616263', 'hex').hex).toBe(expected);
    expect(hash.digest('sha512', 'YWJj', 'base64').hex).toBe(expected);
  });

  it.each([
    ['hex', 'abc'],
    ['hex', 'zz'],
    ['base64', 'YWJj!'],
    ['base64', 'YWJ'],
  ] as const)('refuses text that is not valid %s (%s)', (encoding, text) => {
    expect(() => hash.digest('sha256', text, encoding)).toThrow(expect.objectContaining({ code: 'invalid_encoding', status: 400 }));
  });
});
