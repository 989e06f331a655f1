import { connect, Socket } from 'node:net';

export interface BenchResponse {
  status: number;
  body: string;
  serverTiming?: string;
}

interface Head {
  status: number;
  headers: Map<string, string>;
  bodyStart: number;
}

const idle = new Map<string, Socket[]>();
const live = new Set<Socket>();

/**
 * A keep-alive HTTP/1.1 call made as wrk and autocannon make theirs: the request written whole
 * in one write on a socket already open, the response parsed only as far as its status, headers
 * and body (Content-Length, chunked, or up to the close). node:http's client costs ~1 ms more per
 * call on a machine idle before it (its request objects and parser, run cold), time that is the
 * client's and not the server's. One socket per call in flight; an idle one is reused.
 */
export async function httpCall(url: string, method: string, headers: Record<string, string>, body?: string): Promise<BenchResponse> {
  const u = new URL(url);
  const origin = `${u.hostname}:${u.port || 80}`;
  const request = encodeRequest(method, `${u.pathname}${u.search}`, origin, headers, body);
  const reused = idle.get(origin)?.pop();
  if (reused) {
    try {
      return await exchange(reused, origin, request, method, true);
    } catch (e) {
      // The server may close an idle keep-alive socket just as it is reused; a GET is tried again on a new one, anything else fails.
      if (!(e instanceof ReusedSocketClosed) || (method !== 'GET' && method !== 'HEAD')) throw e;
    }
  }
  return exchange(await openSocket(u.hostname, Number(u.port || 80), origin), origin, request, method, false);
}

export function closeAgent(): void {
  for (const socket of live) socket.destroy();
  idle.clear();
}

class ReusedSocketClosed extends Error {}

function encodeRequest(method: string, path: string, host: string, headers: Record<string, string>, body?: string): Buffer {
  const payload = body === undefined ? undefined : Buffer.from(body);
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  if (payload) head += `content-length: ${payload.length}\r\n`;
  head += '\r\n';
  return payload ? Buffer.concat([Buffer.from(head, 'latin1'), payload]) : Buffer.from(head, 'latin1');
}

function openSocket(host: string, port: number, origin: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    socket.setNoDelay(true);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      live.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        live.delete(socket);
        const list = idle.get(origin);
        const i = list?.indexOf(socket) ?? -1;
        if (i >= 0) list!.splice(i, 1);
      });
      resolve(socket);
    });
  });
}

function exchange(socket: Socket, origin: string, request: Buffer, method: string, reused: boolean): Promise<BenchResponse> {
  return new Promise((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    let head: Head | undefined;
    const finish = (err: Error | undefined, res?: BenchResponse, keep = false) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      if (err) {
        socket.destroy();
        return reject(err);
      }
      if (keep) idle.set(origin, [...(idle.get(origin) ?? []), socket]);
      else socket.destroy();
      resolve(res!);
    };
    const onData = (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      try {
        head ??= parseHead(buf);
        if (!head) return;
        const body = bodyOf(head, buf, method, false);
        if (!body) return;
        const keep = body.end === buf.length && head.headers.get('connection')?.toLowerCase() !== 'close';
        finish(undefined, responseOf(head, body.bytes), keep);
      } catch (e) {
        finish(e as Error);
      }
    };
    const onClose = () => {
      const body = head && bodyOf(head, buf, method, true);
      if (head && body) return finish(undefined, responseOf(head, body.bytes));
      if (buf.length > 0) return finish(new Error('the socket closed mid-response'));
      finish(reused ? new ReusedSocketClosed('a reused socket closed before any answer') : new Error('the socket closed before any answer'));
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(request);
  });
}

function parseHead(buf: Buffer): Head | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = buf.toString('latin1', 0, end).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  if (!status) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(status), headers, bodyStart: end + 4 };
}

/** The body once complete (and where it ends in buf), else undefined; `closed`: nothing more will come. */
function bodyOf(head: Head, buf: Buffer, method: string, closed: boolean): { bytes: Buffer; end: number } | undefined {
  const start = head.bodyStart;
  if (head.status < 200) throw new Error(`an interim ${head.status} answer, which this client does not take`);
  if (method === 'HEAD' || head.status === 204 || head.status === 304) return { bytes: Buffer.alloc(0), end: start };
  if (head.headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) return dechunk(buf, start);
  const length = head.headers.get('content-length');
  if (length !== undefined) {
    const n = Number(length);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`bad Content-Length ${length}`);
    return buf.length >= start + n ? { bytes: buf.subarray(start, start + n), end: start + n } : undefined;
  }
  return closed ? { bytes: buf.subarray(start), end: buf.length } : undefined;
}

function dechunk(buf: Buffer, start: number): { bytes: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const sizeText = buf.toString('latin1', at, lineEnd).split(';')[0].trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new Error('bad chunk size');
    const size = parseInt(sizeText, 16);
    if (size === 0) {
      const trailerEnd = buf.indexOf('\r\n\r\n', lineEnd);
      if (buf.subarray(lineEnd, lineEnd + 4).equals(Buffer.from('\r\n\r\n'))) return { bytes: Buffer.concat(parts), end: lineEnd + 4 };
      return trailerEnd < 0 ? undefined : { bytes: Buffer.concat(parts), end: trailerEnd + 4 };
    }
    if (buf.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

function responseOf(head: Head, body: Buffer): BenchResponse {
  return { status: head.status, body: body.toString('utf8'), serverTiming: head.headers.get('server-timing') };
}
