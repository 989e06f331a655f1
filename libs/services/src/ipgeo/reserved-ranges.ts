import { BlockList } from 'node:net';

/**
 * Addresses that have no place on the map, from the IANA special-purpose registries
 * (RFC 6890 and successors). For IPv6 only 2000::/3 is allocated global unicast, so
 * everything outside it is reserved, then the special blocks inside it are listed.
 */
const RANGES: Record<string, { v4?: string[]; v6?: string[] }> = {
  unspecified: { v4: ['0.0.0.0/8'], v6: ['::/128'] },
  loopback: { v4: ['127.0.0.0/8'], v6: ['::1/128'] },
  private: { v4: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], v6: ['fc00::/7'] },
  cgnat: { v4: ['100.64.0.0/10'] },
  'link-local': { v4: ['169.254.0.0/16'], v6: ['fe80::/10'] },
  multicast: { v4: ['224.0.0.0/4'], v6: ['ff00::/8'] },
  documentation: { v4: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'], v6: ['2001:db8::/32', '3fff::/20'] },
  benchmarking: { v4: ['198.18.0.0/15'], v6: ['2001:2::/48'] },
  broadcast: { v4: ['255.255.255.255/32'] },
  reserved: {
    v4: ['192.0.0.0/24', '192.88.99.0/24', '240.0.0.0/4'],
    v6: ['2001::/23', '5f00::/16', '::/3', '4000::/2', '8000::/1'],
  },
};

/** One list per family: a BlockList matches IPv4 against IPv6 rules through ::ffff:0:0/96, which ::/3 covers. */
const LISTS = Object.entries(RANGES).map(([kind, { v4 = [], v6 = [] }]) => ({
  kind,
  v4: blockList(v4, 'ipv4'),
  v6: blockList(v6, 'ipv6'),
}));

/** Each check costs about a microsecond, so public addresses (the common case) get one check, not one per kind. */
const ANY_V4 = blockList(Object.values(RANGES).flatMap((r) => r.v4 ?? []), 'ipv4');
const ANY_V6 = blockList(Object.values(RANGES).flatMap((r) => r.v6 ?? []), 'ipv6');

function blockList(cidrs: string[], type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net, prefix] = cidr.split('/');
    list.addSubnet(net, Number(prefix), type);
  }
  return list;
}

/** The kind of reserved range an address is in (`private`, `loopback`, …), or undefined for a public address. */
export function reservedKindOf(ip: string, family: 4 | 6): string | undefined {
  if (family === 4) return ANY_V4.check(ip, 'ipv4') ? LISTS.find(({ v4 }) => v4.check(ip, 'ipv4'))?.kind : undefined;
  return ANY_V6.check(ip, 'ipv6') ? LISTS.find(({ v6 }) => v6.check(ip, 'ipv6'))?.kind : undefined;
}
