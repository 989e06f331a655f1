import express, { ErrorRequestHandler, RequestHandler } from 'express';
import { request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { toErrorResponse } from '../errors/error-body';
import { fastJsonBody } from './fast-json-body';

const LIMIT = 1024;

/** An app whose answer is what its body parsers made of the request: the body, or the error as the gateway maps it. */
function app(parsers: RequestHandler[]): express.Express {
  const a = express();
  a.use(...parsers);
  a.post('/', (req, res) => {
    res.json({ body: req.body as unknown, keys: req.body && typeof req.body === 'object' ? Object.keys(req.body as object) : null });
  });
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const { status, body } = toErrorResponse(err);
    res.status(status).json(body);
  };
  a.use(onError);
  return a;
}

function listen(a: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const s = a.listen(0, '127.0.0.1', () => resolve(s));
  });
}

function post(server: Server, headers: Record<string, string | number>, body: Buffer): Promise<{ status: number; body: string }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('fastJsonBody answers as express.json({ strict: true }) does, over real HTTP', () => {
  let fast: Server;
  let reference: Server;
  const json = express.json({ limit: `${LIMIT / 1024}kb`, strict: true });

  beforeAll(async () => {
    fast = await listen(app([fastJsonBody(LIMIT), json]));
    reference = await listen(app([json]));
  });
  afterAll(async () => {
    await new Promise((r) => fast.close(r));
    await new Promise((r) => reference.close(r));
  });

  const bodies: [string, Buffer][] = [
    ['object', Buffer.from('{"language":"python","code":"print(1)"}')],
    ['array', Buffer.from('[1,{"a":null}]')],
    ['leading whitespace', Buffer.from(' \r\n\t{"a":1}')],
    ['trailing whitespace', Buffer.from('{"a":1}\n\n')],
    ['UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}')])],
    ['non-ASCII and escapes', Buffer.from('{"ünï":"\\u00e9\\n\\ud83d\\ude00😀"}')],
    ['invalid UTF-8 bytes in a string', Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')])],
    ['__proto__ key', Buffer.from('{"__proto__":{"x":1},"b":2}')],
    ['duplicate keys', Buffer.from('{"a":1,"a":2}')],
    ['malformed', Buffer.from('{"a": 1')],
    ['scalar number', Buffer.from('123')],
    ['scalar string', Buffer.from('"x"')],
    ['null', Buffer.from('null')],
    ['whitespace only', Buffer.from('   ')],
    ['a BOM alone', Buffer.from([0xef, 0xbb, 0xbf])],
    ['BOM then scalar', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('true')])],
    ['two documents', Buffer.from('{}{}')],
    ['exactly at the limit', Buffer.from(`{"a":"${'x'.repeat(LIMIT - 8)}"}`)],
    ['one byte over the limit', Buffer.from(`{"a":"${'x'.repeat(LIMIT - 7)}"}`)],
  ];
  const types = ['application/json', 'Application/JSON', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json;charset=utf-8', 'application/json; charset=latin1', 'text/plain'];

  it.each(bodies)('%s, under every content type', async (_name, body) => {
    for (const type of types) {
      const headers = { 'content-type': type, 'content-length': body.length };
      const [f, r] = await Promise.all([post(fast, headers, body), post(reference, headers, body)]);
      expect({ type, ...f }).toEqual({ type, ...r });
    }
  });

  it('a gzip body and a chunked one go on to express.json', async () => {
    const body = Buffer.from('{"a":[1,2,3]}');
    const gz = gzipSync(body);
    const gzHeaders = { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': gz.length };
    const [f, r] = await Promise.all([post(fast, gzHeaders, gz), post(reference, gzHeaders, gz)]);
    expect(f).toEqual(r);
    expect(JSON.parse(f.body)).toEqual({ body: { a: [1, 2, 3] }, keys: ['a'] });
    const chunked = { 'content-type': 'application/json', 'transfer-encoding': 'chunked' };
    const [fc, rc] = await Promise.all([post(fast, chunked, body), post(reference, chunked, body)]);
    expect(fc).toEqual(rc);
    expect(fc.status).toBe(200);
  });

  it('the fast path is the one that read the common body (express.json alone never saw it)', async () => {
    const onlyFast = await listen(app([fastJsonBody(LIMIT)]));
    try {
      const body = Buffer.from('{"k":"v"}');
      const res = await post(onlyFast, { 'content-type': 'application/json', 'content-length': body.length }, body);
      expect(JSON.parse(res.body)).toEqual({ body: { k: 'v' }, keys: ['k'] });
    } finally {
      await new Promise((r) => onlyFast.close(r));
    }
  });
});
