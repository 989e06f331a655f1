import { isIP } from 'node:net';

export interface ParsedIp {
  /** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
  ip: string;
  family: 4 | 6;
}

/**
 * Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what Express
 * reports for IPv4 clients on a dual-stack socket) becomes the IPv4 address.
 * Zone ids (`fe80::1%eth0`) are refused: they name an interface, not an address.
 */
export function parseIp(input: string): ParsedIp | undefined {
  const text = input.trim();
  if (text.includes('%')) return undefined;
  const family = isIP(text);
  if (family === 4) return { ip: text, family: 4 };
  if (family !== 6) return undefined;
  const canonical = new URL(`http://[${text}]`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const [hi, lo] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
    return { ip: [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.'), family: 4 };
  }
  return { ip: canonical, family: 6 };
}
