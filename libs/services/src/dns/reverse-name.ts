import { isIP } from 'node:net';

/** The in-addr.arpa / ip6.arpa name whose PTR records name an address, or undefined for a non-address. */
export function reverseNameOf(ip: string): string | undefined {
  if (ip.includes('%')) return undefined;
  const family = isIP(ip);
  if (family === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  if (family !== 6) return undefined;
  // The URL parser canonicalises IPv6 (embedded IPv4 becomes two hex groups), leaving only "::" to expand.
  const canonical = new URL(`http://[${ip}]`).hostname.slice(1, -1);
  const [head, tail] = canonical.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const nibbles = groups.map((g) => g.padStart(4, '0')).join('');
  return `${[...nibbles].reverse().join('.')}.ip6.arpa`;
}
