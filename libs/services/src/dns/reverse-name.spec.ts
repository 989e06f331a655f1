import { reverseNameOf } from './reverse-name';

describe('reverseNameOf', () => {
  it('reverses IPv4 octets under in-addr.arpa', () => {
    expect(reverseNameOf('8.8.4.4')).toBe('4.4.8.8.in-addr.arpa');
  });

  it('expands IPv6 to 32 nibbles under ip6.arpa (RFC 3596)', () => {
    expect(reverseNameOf('2001:db8::567:89ab')).toBe('b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(reverseNameOf('::1')).toBe(`1.${Array(31).fill('0').join('.')}.ip6.arpa`);
    expect(reverseNameOf('::')).toBe(`${Array(32).fill('0').join('.')}.ip6.arpa`);
    expect(reverseNameOf('fe80::')).toBe(`${Array(28).fill('0').join('.')}.0.8.e.f.ip6.arpa`);
  });

  it('handles embedded IPv4 in IPv6', () => {
    expect(reverseNameOf('::ffff:192.0.2.1')).toBe(`1.0.2.0.0.0.0.c.f.f.f.f.${Array(20).fill('0').join('.')}.ip6.arpa`);
  });

  it.each(['', 'example.com', '1.2.3', '300.1.1.1', 'fe80::1%eth0', '::g'])('refuses %p', (ip) =>
    expect(reverseNameOf(ip)).toBeUndefined(),
  );
});
