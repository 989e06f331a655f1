import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { closeAgent, httpCall } from './http-client';

describe('bench httpCall (raw keep-alive client) against a real node:http server', () => {
  let server: Server;
  let base: string;
  const connections: Socket[] = [];
  let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => handler(req, res, body));
    });
    server.on('connection', (s: Socket) => connections.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => closeAgent());
  afterAll(() => new Promise((r) => server.close(r)));

  it('sends method, path, headers and body, and reads status, Content-Length body and Server-Timing', async () => {
    handler = (req, res, body) => {
      res.setHeader('Server-Timing', 'gateway;dur=1.25');
      res.statusCode = 201;
      res.end(JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization, body, héllo: 'wörld' }));
    };
    const r = await httpCall(`${base}/a/b?c=1`, 'POST', { authorization: 'Bearer k' }, '{"x":"é"}');
    expect(r.status).toBe(201);
    expect(r.serverTiming).toBe('gateway;dur=1.25');
    expect(JSON.parse(r.body)).toEqual({ method: 'POST', url: '/a/b?c=1', auth: 'Bearer k', body: '{"x":"é"}', héllo: 'wörld' });
  });

  it('reuses one connection for sequential calls', async () => {
    handler = (_req, res) => res.end('ok');
    const before = connections.length;
    for (let i = 0; i < 5; i++) expect((await httpCall(`${base}/`, 'GET', {})).body).toBe('ok');
    expect(connections.length - before).toBe(1);
  });

  it('decodes a chunked body written in several pieces', async () => {
    handler = (_req, res) => {
      res.write('abc');
      setTimeout(() => {
        res.write('x'.repeat(70_000));
        res.end('end');
      }, 5);
    };
    const r = await httpCall(`${base}/`, 'GET', {});
    expect(r.body).toBe(`abc${'x'.repeat(70_000)}end`);
    expect((await httpCall(`${base}/`, 'GET', {})).status).toBe(200);
  });

  it('opens a new connection when the server closed the idle one, and after Connection: close', async () => {
    handler = (_req, res) => res.end('one');
    await httpCall(`${base}/`, 'GET', {});
    connections.at(-1)!.destroy();
    await new Promise((r) => setTimeout(r, 20));
    handler = (_req, res) => {
      res.setHeader('Connection', 'close');
      res.end('two');
    };
    expect((await httpCall(`${base}/`, 'GET', {})).body).toBe('two');
    handler = (_req, res) => res.end('three');
    expect((await httpCall(`${base}/`, 'GET', {})).body).toBe('three');
  });

  it('answers 204 with an empty body and rejects when the connection drops mid-response', async () => {
    handler = (_req, res) => {
      res.statusCode = 204;
      res.end();
    };
    expect(await httpCall(`${base}/`, 'GET', {})).toEqual({ status: 204, body: '', serverTiming: undefined });
    handler = (req, res) => {
      res.setHeader('Content-Length', '100');
      res.write('short');
      setTimeout(() => req.socket.destroy(), 5);
    };
    await expect(httpCall(`${base}/`, 'GET', {})).rejects.toThrow('mid-response');
  });

  it('rejects when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(httpCall(`http://127.0.0.1:${port}/`, 'GET', {})).rejects.toThrow(/ECONNREFUSED/);
  });
});
