import { CoderunnerModule } from '@app/services';
import { call } from './utils/http';
import { TestApp, startTestApp } from './utils/test-app';
import { sandboxBackendsUnderTest } from './utils/sandbox-backends';
import { serverTiming } from './utils/server-timing';

const SEVEN = ['id', 'language', 'exitCode', 'stdout', 'stderr', 'duration', 'timedOut'];

const COLD = { SANDBOX_POOL_PYTHON: '0', SANDBOX_POOL_JAVASCRIPT: '0', SANDBOX_POOL_TYPESCRIPT: '0', SANDBOX_POOL_BASH: '0' };
const COLD_IN_RUNNER = { ...COLD, SANDBOX_EXECUTOR: 'process' };
const MODES = sandboxBackendsUnderTest().flatMap((b) => [
  [b, 'warm pools, default executor', {}],
  [b, 'cold, runner process', COLD_IN_RUNNER],
] as [string, string, Record<string, string>][]);

describe.each(MODES)('coderunner over HTTP on %s, %s (e2e)', (backend, _mode, poolEnv) => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp({ services: [CoderunnerModule], env: { SANDBOX_BACKEND: backend, ...poolEnv } });
    key = await t.createKey(1000);
  });
  afterAll(() => t?.close());

  const run = (body: Record<string, unknown>, path = 'agent-coderunner') => call(`${t.url}/v1/${path}/execute`, { key, body });

  it('the seed request: python sum, all seven fields with their types', async () => {
    const res = await run({ language: 'python', code: 'print(sum(range(1, 101)))' });
    expect(res.status).toBe(200);
    for (const f of SEVEN) expect(res.body).toHaveProperty(f);
    expect(res.body).toMatchObject({ language: 'python', exitCode: 0, stdout: '5050\n', stderr: '', timedOut: false });
    expect(typeof res.body.duration).toBe('number');
    expect(res.body.id).toBe(res.headers.get('x-request-id'));
    expect(res.headers.get('etag')).toBeNull();
  });

  it('Server-Timing: the service (the run) and the whole gateway, in milliseconds', async () => {
    const res = await run({ language: 'bash', code: 'sleep 0.3' });
    expect(res.status).toBe(200);
    const timing = serverTiming(res.headers.get('server-timing'));
    expect(Object.keys(timing)).toEqual(['gateway', 'service']);
    expect(timing.service).toBeGreaterThanOrEqual(300);
    expect(timing.gateway).toBeGreaterThanOrEqual(timing.service);
    expect(timing.gateway).toBeLessThan(10_000);
  });

  it('python json/math', async () => {
    const code = 'import json, math\nprint(json.dumps({"roots": [round(math.sqrt(i), 3) for i in range(1, 6)]}))';
    const res = await run({ language: 'py', code });
    expect(JSON.parse(res.body.stdout)).toEqual({ roots: [1.0, 1.414, 1.732, 2.0, 2.236] });
  });

  it('node crypto sha256 of "hello world"', async () => {
    const code = 'const c=require("crypto");console.log(c.createHash("sha256").update("hello world").digest("hex"))';
    const res = await run({ language: 'node', code }, 'coderunner');
    expect(res.body.stdout).toBe('b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9\n');
    expect(res.body.language).toBe('javascript');
  });

  it('bash nproc, free -h, uptime -p', async () => {
    const res = await run({ language: 'sh', code: 'nproc\nfree -h\nuptime -p' });
    expect(res.body.exitCode).toBe(0);
    const lines = res.body.stdout.split('\n');
    expect(Number(lines[0])).toBeGreaterThan(0);
    expect(res.body.stdout).toMatch(/Mem:/);
    expect(res.body.stdout).toMatch(/^up /m);
  });

  it('javascript squares', async () => {
    const res = await run({ language: 'javascript', code: 'console.log(Array.from({length:10},(_,i)=>i*i))' });
    expect(res.body.stdout).toBe('[\n   0,  1,  4,  9, 16,\n  25, 36, 49, 64, 81\n]\n');
  });

  it('typescript, and a typescript syntax error as exitCode 1', async () => {
    const ok = await run({ language: 'ts', code: 'const n: number = 6 * 7;\nconsole.log(`${n}`)' });
    expect(ok.body).toMatchObject({ exitCode: 0, stdout: '42\n', language: 'typescript' });
    const bad = await run({ language: 'typescript', code: 'const = ;' });
    expect(bad.status).toBe(200);
    expect(bad.body.exitCode).toBe(1);
    expect(bad.body.stderr.length).toBeGreaterThan(0);
  });

  it('TypeScript that makes either compiler blow up in time or size is a run result, and the gateway lives on', async () => {
    let doubling = 'enum E { A0 = "ab"';
    for (let i = 1; i < 27; i++) doubling += `, A${i} = A${i - 1} + A${i - 1}`;
    const hostile = [`${doubling} }\nconsole.log(E.A26);`, '{'.repeat(32768) + '}'.repeat(32768)];
    // With a namespace esbuild compiles it in the gateway's compile server; without, sucrase in the sandbox.
    for (const code of hostile.map((c) => `namespace N {}\n${c}`)) {
      const res = await run({ language: 'typescript', code, timeoutMs: 1000 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ exitCode: 1, stdout: '', stderr: expect.stringMatching(/TypeScript compil\w+ took longer than 1000 ms/) });
    }
    for (const code of [...hostile, '<T>('.repeat(40) + '1' + ')'.repeat(40)]) {
      const res = await run({ language: 'typescript', code, timeoutMs: 1000 });
      expect(res.status).toBe(200);
      expect(res.body.timedOut || res.body.exitCode !== 0).toBe(true);
    }
    expect((await call(`${t.url}/health`)).status).toBe(200);
    const ok = await run({ language: 'ts', code: 'console.log(<number>(6 * 7))' });
    expect(ok.body).toMatchObject({ exitCode: 0, stdout: '42\n' });
  });

  it('stdin, args and files', async () => {
    const res = await run({
      language: 'python',
      code: 'import sys\nprint(sys.argv[1:], input(), open("data.txt").read(), __name__)',
      stdin: 'from-stdin\n',
      args: ['a b', '--x'],
      files: [{ name: 'data.txt', content: 'from-file' }],
    });
    expect(res.body.stdout).toBe("['a b', '--x'] from-stdin from-file __main__\n");
  });

  it('user code that fails is a 200 with its exit code, and is charged', async () => {
    const before = (await call(`${t.url}/api/keys/me`, { key })).body.credits;
    const res = await run({ language: 'bash', code: 'echo oops >&2; exit 3' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ exitCode: 3, stderr: 'oops\n' });
    expect((await call(`${t.url}/api/keys/me`, { key })).body.credits).toBe(before - 1);
  });

  it('per-request timeoutMs: a busy loop is killed, timedOut true', async () => {
    const res = await run({ language: 'python', code: 'while True: pass', timeoutMs: 1500 });
    expect(res.status).toBe(200);
    expect(res.body.timedOut).toBe(true);
    expect(res.body.duration).toBeLessThan(5000);
    expect(res.body.exitCode).not.toBe(0);
  });

  it('bad input: unknown language 400 listing the supported ones, limits above maxima 400, code too large 413 — not charged', async () => {
    const before = (await call(`${t.url}/api/keys/me`, { key })).body.credits;
    const lang = await run({ language: 'cobol', code: 'x' });
    expect(lang.status).toBe(400);
    expect(lang.body.error).toBe('unknown_language');
    expect(lang.body.supported).toEqual(['python', 'javascript', 'typescript', 'bash']);
    const limit = await run({ language: 'python', code: 'print(1)', timeoutMs: 10_000_000 });
    expect(limit.status).toBe(400);
    expect(limit.body.error).toBe('limit_exceeded');
    const mem = await run({ language: 'python', code: 'print(1)', memoryMb: 1_000_000 });
    expect(mem.body.error).toBe('limit_exceeded');
    const big = await run({ language: 'python', code: '#'.repeat(257 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('code_too_large');
    const args = await run({ language: 'python', code: 'print(1)', args: 'rm -rf /' });
    expect(args.status).toBe(400);
    const files = await run({ language: 'python', code: 'print(1)', files: [{ name: '../evil', content: 'x' }] });
    expect(files.status).toBe(400);
    expect((await call(`${t.url}/api/keys/me`, { key })).body.credits).toBe(before);
  });

  it('runtimes are asked of the interpreters inside the sandbox, free of charge', async () => {
    const res = await call(`${t.url}/v1/coderunner/runtimes`, { key });
    expect(res.status).toBe(200);
    const byLang = Object.fromEntries(res.body.runtimes.map((r: { language: string; version: string }) => [r.language, r.version]));
    expect(byLang.python).toMatch(/^3\.\d+\.\d+/);
    expect(byLang.javascript).toMatch(/^\d+\.\d+\.\d+/);
    expect(byLang.bash).toMatch(/^5\.\d+/);
    expect(byLang.typescript).toContain(byLang.javascript);
    expect(res.body.limits.defaults).toMatchObject({ timeoutMs: 10000, memoryMb: 256, pids: 64, outputBytes: 65536 });
    expect(res.headers.get('x-credits-remaining')).toBeNull();
  });

  it('health reports the sandbox backend and its warm pools', async () => {
    const res = await call(`${t.url}/health`);
    expect(res.body.sandbox).toMatchObject({ status: 'up', backend });
    const python = res.body.sandbox.warmPools.find((p: { runtime: string }) => p.runtime === 'python');
    expect(python?.size ?? 0).toBe(poolEnv === COLD_IN_RUNNER ? 0 : 2);
  });

  if (poolEnv !== COLD_IN_RUNNER) {
    it('serves runs from warm sandboxes once the pools are filled', async () => {
      const idlePython = async () => {
        const h = await call(`${t.url}/health`);
        return h.body.sandbox.warmPools.find((p: { runtime: string }) => p.runtime === 'python')?.idle ?? 0;
      };
      for (let i = 0; i < 100 && (await idlePython()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
      const before = (await call(`${t.url}/health`)).body.sandbox.runs.warm;
      const res = await run({ language: 'python', code: 'import sys\nprint(__name__, sys.argv[1:], input())', args: ['x'], stdin: 'in\n' });
      expect(res.body.stdout).toBe("__main__ ['x'] in\n");
      expect((await call(`${t.url}/health`)).body.sandbox.runs.warm).toBe(before + 1);
    });
  }
});

describe('coderunner with no usable sandbox (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ services: [CoderunnerModule], env: { SANDBOX_BACKEND: 'bwrap', SANDBOX_ROOTFS_DIR: '/nonexistent/rootfs' } });
  });
  afterAll(() => t.close());

  it('answers 503 sandbox_unavailable, refunds the call, and /health says why', async () => {
    const key = await t.createKey(5);
    const res = await call(`${t.url}/v1/coderunner/execute`, { key, body: { language: 'python', code: 'print(1)' } });
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('sandbox_unavailable');
    expect(res.headers.get('x-credits-remaining')).toBe('5');
    const ledger = await t.db.query(`SELECT reason FROM credit_ledger ORDER BY id`);
    expect(ledger.rows.map((r) => r.reason)).toEqual(['admin: initial grant', 'debit', 'refund']);
    const health = await call(`${t.url}/health`);
    expect(health.body.sandbox.status).toBe('down');
    expect(health.body.sandbox.reason).toMatch(/rootfs|bwrap/i);
  });
});

describe.each(sandboxBackendsUnderTest().slice(0, 1))('coderunner at capacity on %s (e2e)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      services: [CoderunnerModule],
      env: { SANDBOX_BACKEND: backend, SANDBOX_MAX_CONCURRENCY: '1', SANDBOX_MAX_QUEUE: '1', ...COLD },
    });
  });
  afterAll(() => t.close());

  it('answers 503 capacity at once when the queue is full, refunded, and recovers', async () => {
    const key = await t.createKey(10);
    const sleep = { language: 'bash', code: 'sleep 1; echo done' };
    const started = Date.now();
    const results = await Promise.all([0, 1, 2, 3].map(() => call(`${t.url}/v1/coderunner/execute`, { key, body: sleep })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 503, 503]);
    const rejected = results.filter((r) => r.status === 503);
    for (const r of rejected) expect(r.body.error).toBe('capacity');
    expect(Date.now() - started).toBeLessThan(10_000);
    const me = await call(`${t.url}/api/keys/me`, { key });
    expect(me.body.credits).toBe(8);
    const after = await call(`${t.url}/v1/coderunner/execute`, { key, body: { language: 'bash', code: 'echo ok' } });
    expect(after.body.stdout).toBe('ok\n');
  });
});
