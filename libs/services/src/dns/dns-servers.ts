import { isIP } from 'node:net';

/**
 * Parses `DNS_SERVERS` (`host[:port]`, IPv6 as `[::1]:5353` or bare `::1`) into the
 * strings `Resolver.setServers` accepts. Returns problems instead of throwing so the
 * config validator can report every bad entry at boot.
 */
export function parseDnsServers(value: string): { servers: string[]; problems: string[] } {
  const servers: string[] = [];
  const problems: string[] = [];
  for (const raw of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const entry = parseEntry(raw);
    if (typeof entry === 'string') servers.push(entry);
    else problems.push(`"${raw}" ${entry.problem}`);
  }
  if (!servers.length && !problems.length) problems.push('lists no server');
  return { servers, problems };
}

function parseEntry(raw: string): string | { problem: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
  if (bracketed) return build(bracketed[1], bracketed[2], 6);
  if (isIP(raw) === 6) return build(raw, undefined, 6);
  const [host, port, ...rest] = raw.split(':');
  if (rest.length) return { problem: 'is not host[:port] (write IPv6 with a port as [addr]:port)' };
  return build(host, port, 4);
}

function build(host: string, port: string | undefined, family: 4 | 6): string | { problem: string } {
  if (isIP(host) !== family || host.includes('%')) return { problem: `is not an IPv${family} address` };
  if (port === undefined) return host;
  const n = Number(port);
  if (!/^\d{1,5}$/.test(port) || n < 1 || n > 65535) return { problem: 'has a port outside 1-65535' };
  return family === 6 ? `[${host}]:${n}` : `${host}:${n}`;
}
