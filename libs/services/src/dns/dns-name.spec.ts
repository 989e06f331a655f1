import { normalizeDnsName } from './dns-name';

describe('normalizeDnsName', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    [' example.com ', 'example.com'],
    ['_dmarc.example.com', '_dmarc.example.com'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['localhost', 'localhost'],
    ['a-b.c', 'a-b.c'],
  ])('accepts %p as %p', (input, expected) => expect(normalizeDnsName(input)).toBe(expected));

  it.each([
    '',
    '.',
    'a..b',
    '.a.b',
    '-a.b',
    'a-.b',
    'a b.c',
    'exa$mple.com',
    'a/b',
    'a\u0000b',
    '*.example.com',
    `${'a'.repeat(64)}.com`,
    Array(64).fill('abc').join('.'),
  ])('refuses %p', (input) => expect(normalizeDnsName(input)).toBeUndefined());

  it('takes 253 characters but not 254', () => {
    const label = 'a'.repeat(63);
    expect(normalizeDnsName(`${label}.${label}.${label}.${'b'.repeat(61)}`)).toHaveLength(253);
    expect(normalizeDnsName(`${label}.${label}.${label}.${'b'.repeat(62)}`)).toBeUndefined();
  });
});
