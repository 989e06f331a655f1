import { createSocket, Socket } from 'node:dgram';
import dns2 from 'dns2';

const { Packet } = dns2;
// dns2's typings omit Packet.RCODE; these are the RFC 1035 values.
const RCODE = { SERVFAIL: 2, NXDOMAIN: 3 };

/** Records in dns2's shape, e.g. `{ A: [{ address: '192.0.2.1' }], MX: [{ exchange: 'mx.test', priority: 10 }] }`. */
export type TestZone = Record<string, Partial<Record<keyof typeof Packet.TYPE, Record<string, unknown>[]>>>;

export interface TestDnsServer {
  /** `host:port` (IPv6 as `[::1]:port`) ready for DNS_SERVERS. */
  address: string;
  /** Every question received, as `TYPE name`. */
  queries: string[];
  close(): Promise<void>;
}

/**
 * A real authoritative DNS server on loopback (UDP, random port) answering from `zone`.
 * Names absent from the zone get NXDOMAIN; `servfail.test` gets SERVFAIL; a name with
 * no records of the asked type gets NOERROR with no answers.
 */
export async function startTestDnsServer(zone: TestZone, host: '127.0.0.1' | '::1' = '127.0.0.1', ttl = 300): Promise<TestDnsServer> {
  const queries: string[] = [];
  const typeName = (code: number) => Object.entries(Packet.TYPE).find(([, v]) => v === code)?.[0] ?? String(code);
  const server = dns2.createServer({
    udp: { type: host === '::1' ? 'udp6' : 'udp4' },
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = question.name.toLowerCase();
      const type = typeName(question.type);
      queries.push(`${type} ${name}`);
      if (name === 'servfail.test') response.header.rcode = RCODE.SERVFAIL;
      else if (!zone[name]) response.header.rcode = RCODE.NXDOMAIN;
      else {
        const answer = (owner: string, t: string) => {
          for (const data of zone[owner]?.[t as keyof typeof Packet.TYPE] ?? []) {
            response.answers.push({ name: owner, type: Packet.TYPE[t as keyof typeof Packet.TYPE], class: Packet.CLASS.IN, ttl, ...data } as never);
          }
        };
        const cname = zone[name].CNAME?.[0]?.domain as string | undefined;
        if (cname && type !== 'CNAME') {
          answer(name, 'CNAME');
          answer(cname.toLowerCase(), type);
        } else answer(name, type);
      }
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: host } });
  const port = (addresses as { udp: { port: number } }).udp.port;
  return {
    address: host === '::1' ? `[::1]:${port}` : `${host}:${port}`,
    queries,
    close: () => server.close().then(() => undefined),
  };
}

/** A UDP socket that swallows every query: a resolver that is up but never answers. */
export async function startSilentDnsServer(): Promise<{ address: string; close(): Promise<void> }> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
