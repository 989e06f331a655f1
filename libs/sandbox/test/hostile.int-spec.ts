import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { SANDBOX_ENV } from '../src/backends/sandbox-backend';
import { TYPESCRIPT_IN_SANDBOX } from '../src/typescript/in-sandbox-typescript';
import { DEFAULT_LIMITS_TABLE, resolveLimits } from '../src/limits';
import { Language, RunFile, RunLimits, RunResult } from '../src/run-spec';
import { SandboxExecutor } from '../src/sandbox-executor';
import { announceSkip, BACKEND_TARGETS, backendName } from './backends';

const CANARY_NAME = 'SANDBOX_TEST_CANARY';
const CANARY_VALUE = `canary-${randomUUID()}`;
process.env[CANARY_NAME] = CANARY_VALUE;

interface Extra {
  stdin?: string;
  args?: string[];
  files?: RunFile[];
  limits?: Partial<RunLimits>;
}

function hostCmdlines(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function hostIp(): string | undefined {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

for (const target of BACKEND_TARGETS) {
  const skipReason = target.unavailable();
  if (skipReason) {
    describe(`hostile code on ${target.name}`, () => {
      it('is skipped', () => announceSkip(target, skipReason));
    });
    continue;
  }

  describe(`hostile code on ${target.name}`, () => {
    const executor = new SandboxExecutor({
      backends: [target.create()],
      backend: 'auto',
      maxConcurrency: 4,
      maxQueue: 16,
      warm: target.warm,
    });
    const base = resolveLimits({ timeoutMs: 5000 }, DEFAULT_LIMITS_TABLE);
    const run = (language: Language, code: string, extra: Extra = {}): Promise<RunResult> =>
      executor.run({
        language,
        code,
        stdin: extra.stdin,
        args: extra.args,
        files: extra.files,
        limits: { ...base, ...extra.limits },
      });

    let server: Server;
    let port = 0;

    beforeAll(async () => {
      const health = await executor.health();
      expect(health).toEqual({ backend: backendName(target), ready: true });
      await executor.warmUp();
      server = createServer((s) => s.end('host-secret\n'));
      await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
      port = (server.address() as { port: number }).port;
    });

    afterAll(async () => {
      await new Promise((r) => server.close(r));
      const usage = executor.warmUsage;
      await executor.close();
      // A warm target that silently ran everything cold would test nothing new.
      if (target.warm) expect(usage.warm).toBeGreaterThan(usage.cold);
    });

    // Pools refill only between runs, so each case starts from full pools (back to back they drain).
    beforeEach(async () => {
      if (target.warm) await executor.warmUp();
    });

    afterEach(async () => {
      if (target.warm) await executor.warmUp();
      const r = await run('python', 'print("hello", 6 * 7)');
      expect(r).toMatchObject({ exitCode: 0, stdout: 'hello 42\n', timedOut: false, oomKilled: false });
    });

    describe('seed examples', () => {
      it('python json/math', async () => {
        const r = await run(
          'python',
          'import json, math\nprint(json.dumps({"roots": [round(math.sqrt(i), 3) for i in range(1, 6)]}))',
        );
        expect(r.exitCode).toBe(0);
        expect(JSON.parse(r.stdout)).toEqual({ roots: [1.0, 1.414, 1.732, 2.0, 2.236] });
      });

      it('node crypto sha256', async () => {
        const r = await run(
          'javascript',
          "const c = require('crypto'); console.log(c.createHash('sha256').update('hello world').digest('hex'))",
        );
        expect(r.stdout).toBe('b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9\n');
      });

      it('bash nproc, free -h, uptime -p', async () => {
        const r = await run('bash', 'nproc\nfree -h\nuptime -p');
        expect(r.exitCode).toBe(0);
        expect(r.stderr).toBe('');
        const [nproc, ...rest] = r.stdout.split('\n');
        expect(Number(nproc)).toBeGreaterThan(0);
        expect(r.stdout).toMatch(/Mem:/);
        expect(rest.join('\n')).toMatch(/^up /m);
      });

      it('javascript squares', async () => {
        const r = await run('javascript', 'console.log(Array.from({length:10},(_,i)=>i*i))');
        expect(r.exitCode).toBe(0);
        expect(r.stdout.replace(/\s+/g, '')).toBe('[0,1,4,9,16,25,36,49,64,81]');
      });
    });

    describe('inputs', () => {
      it('stdin reaches the program', async () => {
        const r = await run('python', 'import sys\nprint(sys.stdin.read().upper(), end="")', { stdin: 'abc\ndef\n' });
        expect(r.stdout).toBe('ABC\nDEF\n');
      });

      it('without stdin the program reads EOF at once', async () => {
        const r = await run('bash', 'cat; echo "eof rc=$?"', { limits: { timeoutMs: 3000 } });
        expect(r).toMatchObject({ exitCode: 0, stdout: 'eof rc=0\n', timedOut: false });
      });

      it('a program that exits without reading a large stdin is fine (EPIPE)', async () => {
        const r = await run('bash', 'echo bye', { stdin: 'x'.repeat(4 * 1024 * 1024) });
        expect(r).toMatchObject({ exitCode: 0, stdout: 'bye\n' });
      });

      it('args arrive as an array, never through a shell', async () => {
        const args = ['a b', '$(touch /tmp/pwned)', "'; echo injected", '*', ''];
        const py = await run(
          'python',
          'import sys, json, os\nif __name__ == "__main__":\n  print(json.dumps(sys.argv[1:]), os.path.exists("/tmp/pwned"))',
          { args },
        );
        expect(py.stdout).toBe(`${JSON.stringify(args).replace(/,/g, ', ')} False\n`);
        const js = await run('javascript', 'console.log(JSON.stringify(process.argv.slice(2)))', { args });
        expect(JSON.parse(js.stdout)).toEqual(args);
        const sh = await run('bash', 'printf "[%s]" "$@"', { args });
        expect(sh.stdout).toBe(args.map((a) => `[${a}]`).join(''));
      });

      it('files are written into the work dir, subdirectories included', async () => {
        const files = [
          { name: 'helper.py', content: 'def greet(n):\n  return "hi " + n\n' },
          { name: 'data/input.txt', content: 'line1\nline2\n' },
        ];
        const r = await run(
          'python',
          'from helper import greet\nimport os\nprint(greet("x"), open("data/input.txt").read().split(), os.getcwd())',
          { files },
        );
        expect(r.stdout).toBe("hi x ['line1', 'line2'] /work\n");
        const js = await run('javascript', "console.log(require('./lib/util').twice(21))", {
          files: [{ name: 'lib/util.js', content: 'exports.twice = (n) => n * 2;' }],
        });
        expect(js.stdout).toBe('42\n');
      });

      it('typescript compiles, imports compiled modules, and a syntax error is a run result', async () => {
        const ok = await run(
          'typescript',
          "import { twice } from './util';\nconst n: number = twice(21);\nconsole.log(n, process.argv.slice(2));",
          { args: ['z'], files: [{ name: 'util.ts', content: 'export const twice = (n: number): number => n * 2;' }] },
        );
        expect(ok).toMatchObject({ exitCode: 0, stdout: "42 [ 'z' ]\n" });
        const bad = await run('typescript', 'const x: number = ;\n');
        expect(bad.exitCode).toBe(1);
        expect(bad.stderr).toMatch(/main\.ts:1:\d+/);
        const tla = await run('typescript', 'const v: string = await Promise.resolve("tla");\nconsole.log(v);');
        expect(tla.stdout).toBe('tla\n');
      });

      it('typescript compiled in the sandbox and by esbuild before it behave alike, sources kept beside their JavaScript', async () => {
        const programs = [
          "import fs from 'fs';\nclass P { b = 2; #a: number; constructor(a: number) { this.#a = a; } get(): number { return this.#a + this.b; } }\n" +
            "console.log(new P(40).get(), fs.readdirSync('.').sort().join(','), require.main === module, process.argv.slice(2));",
          // sloppy mode, as esbuild's CommonJS: no "use strict" of sucrase's own
          'function f(this: unknown) { return typeof this; }\nx = 5;\nconsole.log(f(), (globalThis as any).x);',
          // top-level await that also parses as a call of a function named await
          'const v: number = await (Promise.resolve(3));\nconsole.log(v, typeof require);',
          '#!/usr/bin/env node\nconst w: number = await Promise.resolve(4);\nconsole.log(w);',
          '#!/usr/bin/env node\r\nx = 5;\r\nconsole.log(x);',
          // words reserved in strict mode only, with an await that is not top-level
          'const package = { name: "demo" };\nasync function main() { console.log(await Promise.resolve(package.name)); }\nmain();',
        ];
        const expected = ["42 main.js,main.ts true [ 'x' ]\n", 'object 5\n', '3 undefined\n', '4\n', '5\n', 'demo\n'];
        for (const [i, program] of programs.entries()) {
          const inSandbox = await run('typescript', program, { args: ['x'] });
          const esbuild = await run('typescript', program.replace(/\n/, '\nnamespace N { export const k = 1; }\n'), { args: ['x'] });
          expect(inSandbox).toMatchObject({ exitCode: 0, stderr: '', stdout: expected[i] });
          expect(esbuild).toMatchObject({ exitCode: 0, stderr: '', stdout: inSandbox.stdout });
        }
        const ns = await run('typescript', 'namespace N { export const z: number = 1; }\nenum N2 { Q = N.z }\nconsole.log(N.z, N2.Q);');
        expect(ns).toMatchObject({ exitCode: 0, stdout: '1 1\n' });
      });

      it("the sandbox's sucrase loads from its code cache, which V8 accepts", async () => {
        const r = await run('javascript', `const ts = ${TYPESCRIPT_IN_SANDBOX};\nconsole.log(ts.cacheRejected);`);
        expect(r).toMatchObject({ exitCode: 0, stdout: 'false\n', stderr: '' });
      });

      it('typescript that makes the in-sandbox transpiler blow up costs the run its own limits', async () => {
        const deep = await run('typescript', '{'.repeat(32768) + '}'.repeat(32768));
        expect(deep).toMatchObject({ exitCode: 1, stdout: '', timedOut: false });
        expect(deep.stderr).toMatch(/^main\.ts: Maximum call stack size exceeded/);
        const slow = await run('typescript', '<T>('.repeat(40) + '1' + ')'.repeat(40), { limits: { timeoutMs: 1000 } });
        expect(slow).toMatchObject({ timedOut: true, stdout: '' });
      });

      it('a program sees the globals of `node main.js`: no built-in module or CommonJS name leaks into an ES module', async () => {
        const probe = `const { builtinModules } = await import('node:module');
const leaked = Object.getOwnPropertyNames(globalThis).filter((n) => builtinModules.includes(n) || ['require', 'module', 'exports', '__filename', '__dirname'].includes(n));
console.log(leaked.sort().join(','), typeof fs, typeof module, typeof require);`;
        const mjs = await run('typescript', probe);
        expect(mjs).toMatchObject({ exitCode: 0, stdout: 'console,crypto,process undefined undefined undefined\n', stderr: '' });
        const cjs = await run('javascript', 'console.log(typeof fs, typeof module, typeof require, require.main === module, __filename);');
        expect(cjs).toMatchObject({ exitCode: 0, stdout: 'undefined object function true /work/main.js\n' });
      });

      it('typescript extra files keep their module kind: .mts runs as an ES module, .cts as CommonJS', async () => {
        const r = await run(
          'typescript',
          "import { esm } from './e.mjs';\nimport cjs from './c.cjs';\nconsole.log(await esm(), cjs.kind);",
          {
            files: [
              { name: 'e.mts', content: 'export const esm = async (): Promise<string> => typeof require;' },
              { name: 'c.cts', content: "export const kind: string = typeof module;" },
            ],
          },
        );
        expect(r).toMatchObject({ exitCode: 0, stdout: 'undefined object\n', stderr: '' });
      });
    });

    describe('resource limits', () => {
      it('a fork bomb dies alone', async () => {
        const r = await run('bash', ':(){ :|:& };:\nsleep 1\necho survived', { limits: { timeoutMs: 4000 } });
        expect(r.durationMs).toBeLessThan(6000);
        const py = await run(
          'python',
          'import os\nn = 0\ntry:\n  while True:\n    if os.fork() == 0:\n      import time; time.sleep(30)\n    n += 1\nexcept OSError as e:\n  print("stopped after", n, e.errno)',
          { limits: { timeoutMs: 4000 } },
        );
        expect(py.stdout).toMatch(/^stopped after \d+ 11\n$/);
        expect(Number(/after (\d+)/.exec(py.stdout)![1])).toBeLessThan(base.pids);
      });

      it('memory growth is killed by the cgroup limit (oomKilled)', async () => {
        const r = await run('python', 'a = []\nwhile True:\n  a.append(bytearray(8 * 1024 * 1024))', {
          limits: { memoryMb: 64 },
        });
        expect(r.oomKilled).toBe(true);
        expect(r.exitCode === 0).toBe(false);
        expect(r.timedOut).toBe(false);
      });

      it('node memory growth is killed too, and V8 starts under the limit (no RLIMIT_AS)', async () => {
        const r = await run('javascript', 'const a = []; for (;;) a.push(Buffer.alloc(8 << 20, 1));', {
          limits: { memoryMb: 128 },
        });
        expect(r.oomKilled).toBe(true);
      });

      it('an endless loop is killed at the timeout', async () => {
        const r = await run('python', 'print("before", flush=True)\nwhile True: pass', { limits: { timeoutMs: 2000 } });
        expect(r).toMatchObject({ timedOut: true, exitCode: null, stdout: 'before\n' });
        expect(r.durationMs).toBeGreaterThanOrEqual(1900);
        expect(r.durationMs).toBeLessThan(3500);
      });

      it('the default 10 s timeout holds (killed within ~11 s)', async () => {
        const r = await executor.run({ language: 'python', code: 'while True: pass', limits: DEFAULT_LIMITS_TABLE.defaults });
        expect(r.timedOut).toBe(true);
        expect(r.durationMs).toBeGreaterThanOrEqual(9900);
        expect(r.durationMs).toBeLessThan(11_000);
      }, 20_000);

      it('sleeping past the limit is killed, background processes with it', async () => {
        const marker = `${Math.floor(Math.random() * 1e6) + 1000}.${Date.now() % 1e6}`;
        const r = await run('bash', `sleep ${marker} &\nsleep 30`, { limits: { timeoutMs: 1500 } });
        expect(r.timedOut).toBe(true);
        expect(hostCmdlines().filter((c) => c.includes(marker))).toEqual([]);
      });

      it('a background process left running after a normal exit is gone once the run is settled (its result may come first)', async () => {
        const marker = `${Math.floor(Math.random() * 1e6) + 3000}.${Date.now() % 1e6}`;
        const bash = await run('bash', `sleep ${marker} &\nnohup sleep ${marker} >/dev/null 2>&1 &\nsetsid sleep ${marker} &\necho started`);
        expect(bash).toMatchObject({ exitCode: 0, stdout: 'started\n', timedOut: false });
        const python = await run('python', `import subprocess\nsubprocess.Popen(["sleep", "${marker}"])\nsubprocess.Popen(["setsid", "sleep", "${marker}"])\nprint("started")`);
        expect(python).toMatchObject({ exitCode: 0, stdout: 'started\n', timedOut: false });
        await executor.afterRuns();
        expect(hostCmdlines().filter((c) => c.includes(marker))).toEqual([]);
      });

      it('100 MB of stdout keeps 64 KiB, sets the flag, and does not grow this process', async () => {
        global.gc?.();
        const before = process.memoryUsage().rss;
        const r = await run(
          'python',
          'import sys\nchunk = "y" * (1 << 20)\nfor _ in range(100): sys.stdout.write(chunk)\nsys.stderr.write("e" * 100000)',
          { limits: { timeoutMs: 20_000 } },
        );
        const grown = process.memoryUsage().rss - before;
        expect(r.exitCode).toBe(0);
        expect(r.stdout.length).toBe(base.outputBytes);
        expect(r.stdoutTruncated).toBe(true);
        expect(r.stderr.length).toBe(base.outputBytes);
        expect(r.stderrTruncated).toBe(true);
        expect(grown).toBeLessThan(60 * 1024 * 1024);
      }, 30_000);

      it('the work dir is a size-capped tmpfs', async () => {
        const r = await run('bash', 'head -c 100M /dev/zero > /work/big; echo "rc=$?"; head -c 30M /dev/zero > /dev/shm/x; echo "shm=$?"');
        expect(r.stdout).toMatch(/rc=1/);
        expect(r.stdout).toMatch(/shm=1/);
        expect(r.stderr).toMatch(/No space left|File too large/);
      });
    });

    describe('isolation', () => {
      it('no network: external IP, the host on loopback and on its own IP, DNS', async () => {
        const ip = hostIp();
        const code = [
          'import socket',
          `targets = [("1.1.1.1", 53), ("127.0.0.1", ${port})${ip ? `, ("${ip}", ${port})` : ''}]`,
          'for h, p in targets:',
          '  try:',
          '    s = socket.create_connection((h, p), timeout=2); print("CONNECTED", h, s.recv(100))',
          '  except OSError as e:',
          '    print("blocked", h, type(e).__name__)',
          'try:',
          '  print("RESOLVED", socket.gethostbyname("deb.debian.org"))',
          'except OSError as e:',
          '  print("dns blocked", type(e).__name__)',
        ].join('\n');
        const r = await run('python', code);
        expect(r.stdout).not.toMatch(/CONNECTED|RESOLVED|host-secret/);
        expect(r.stdout).toMatch(/dns blocked/);
        expect(r.stdout.match(/^blocked /gm)?.length).toBe(ip ? 3 : 2);
      });

      it('the environment is exactly the sandbox env, no variable of this process', async () => {
        const r = await run(
          'python',
          'import os, json\nprint(json.dumps(dict(os.environ)))\nprint(open("/proc/1/environ","rb").read().decode(errors="replace") if os.access("/proc/1/environ", os.R_OK) else "")',
        );
        expect(r.stdout).not.toContain(CANARY_VALUE);
        expect(r.stdout).not.toContain(CANARY_NAME);
        const env = JSON.parse(r.stdout.split('\n')[0]) as Record<string, string>;
        for (const [k, v] of Object.entries(SANDBOX_ENV)) expect(env[k]).toBe(v);
        // PWD is set by the launcher to the work dir; anything else would come from outside.
        expect(Object.keys(env).filter((k) => !(k in SANDBOX_ENV) && k !== 'PWD')).toEqual([]);
        const sh = await run('bash', 'cat /proc/*/environ 2>/dev/null | tr "\\0" "\\n"; env');
        expect(sh.stdout).not.toContain(CANARY_VALUE);
      });

      it('host secrets and home dirs are absent or denied', async () => {
        const r = await run(
          'bash',
          'cat /etc/shadow; echo "shadow=$?"; ls /root; echo "root=$?"; ls /home | wc -l; ls /work/main 2>&1; echo "main=$?"; head -c 1 /proc/kcore >/dev/null; echo "kcore=$?"',
        );
        expect(r.stdout).toMatch(/shadow=1/);
        expect(r.stdout).toMatch(/root=[12]/);
        expect(r.stdout).toMatch(/main=2/);
        expect(r.stdout).toMatch(/kcore=1/);
        expect(r.stdout).not.toMatch(/root:\$|root:\*/);
      });

      it('only the work dir, /tmp and /dev/shm are writable', async () => {
        const r = await run(
          'bash',
          'for p in /etc/x /usr/bin/x /x /var/x /proc/sys/kernel/hostname /sys/x; do (echo 1 > $p) 2>/dev/null && echo "WROTE $p" || echo "denied $p"; done; echo ok > /work/a && echo ok > /tmp/b && echo ok > /dev/shm/c && echo writable',
        );
        expect(r.stdout).not.toMatch(/WROTE/);
        expect(r.stdout.match(/^denied /gm)?.length).toBe(6);
        expect(r.stdout).toMatch(/writable/);
      });

      it('a file written by one run is invisible to the next and to a concurrent run', async () => {
        const id = randomUUID();
        const writer = run('bash', `echo ${id} > /work/${id}; echo ${id} > /tmp/${id}; echo ${id} > /dev/shm/${id}; sleep 1.5; ls /work /tmp /dev/shm`);
        await new Promise((r) => setTimeout(r, 500));
        const concurrent = await run('bash', `ls -a /work /tmp /dev/shm; grep -rl ${id} /work /tmp /dev/shm; echo done`);
        const first = await writer;
        expect(first.stdout).toContain(id);
        expect(concurrent.stdout).not.toContain(id);
        const next = await run('bash', `ls -a /work /tmp /dev/shm; grep -rl ${id} /work /tmp /dev/shm; echo done`);
        expect(next.stdout).not.toContain(id);
      });

      it('sees only its own processes, none of the host', async () => {
        const r = await run('bash', 'ls /proc | grep -cE "^[0-9]+$"; ps -eo comm= | sort -u | tr "\\n" " "');
        const [count, comms] = r.stdout.split('\n');
        expect(Number(count)).toBeLessThan(8);
        expect(comms).not.toMatch(/\bnode\b|jest|dockerd|containerd/);
      });

      it('threads count against the pids limit too', async () => {
        const r = await run(
          'python',
          'import threading, time\nn = 0\ntry:\n  for _ in range(1000):\n    threading.Thread(target=time.sleep, args=(5,), daemon=True).start(); n += 1\nexcept RuntimeError as e:\n  print("stopped", n)',
        );
        expect(r.stdout).toMatch(/^stopped \d+\n$/);
        expect(Number(r.stdout.split(' ')[1])).toBeLessThan(base.pids);
      });

      it('an abstract unix socket of one run is unreachable from a concurrent run', async () => {
        const name = `sbx-${randomUUID()}`;
        const server = run(
          'python',
          `import socket, time\ns = socket.socket(socket.AF_UNIX)\ns.bind("\\0${name}")\ns.listen()\nprint("listening", flush=True)\ntime.sleep(1.5)`,
        );
        await new Promise((r) => setTimeout(r, 600));
        const client = await run(
          'python',
          `import socket\ns = socket.socket(socket.AF_UNIX)\ntry:\n  s.connect("\\0${name}"); print("CONNECTED")\nexcept OSError as e:\n  print("refused", type(e).__name__)`,
        );
        expect((await server).stdout).toBe('listening\n');
        expect(client.stdout).toMatch(/^refused/);
      });

      it('the runtime tree has no setuid or setgid programs', async () => {
        const r = await run('bash', 'find / -xdev -perm /6000 -type f 2>/dev/null | head; echo end');
        expect(r.stdout).toBe('end\n');
      });

      it('kill -9 -1 only kills the run itself', async () => {
        const bystander = run('bash', 'sleep 1.5; echo bystander-ok', { limits: { timeoutMs: 5000 } });
        await new Promise((r) => setTimeout(r, 300));
        const killer = await run('bash', 'sleep 100 & kill -9 -1; echo after-kill');
        expect(killer.timedOut).toBe(false);
        expect((await bystander).stdout).toBe('bystander-ok\n');
        expect(process.kill(process.pid, 0)).toBe(true);
      });

      it('invalid UTF-8 and NUL bytes give valid JSON strings', async () => {
        const r = await run('python', 'import sys\nsys.stdout.buffer.write(b"a\\xff\\xfe\\x00b\\xc3")\nsys.stderr.buffer.write(b"\\x00\\x80")');
        const roundTrip = JSON.parse(JSON.stringify(r));
        expect(roundTrip).toEqual(r);
        expect(r.stdout.startsWith('a')).toBe(true);
        expect(r.stdout).toContain('\u0000');
      });
    });

    describe('identity and kernel surface', () => {
      it('runs as non-root with no capabilities and no_new_privs', async () => {
        const r = await run('bash', 'id -u; grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status; cat /proc/self/uid_map; hostname');
        const lines = r.stdout.trim().split('\n');
        expect(Number(lines[0])).not.toBe(0);
        for (const cap of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) {
          expect(r.stdout).toMatch(new RegExp(`${cap}:\\s+0000000000000000`));
        }
        expect(r.stdout).toMatch(/NoNewPrivs:\s+1/);
        expect(r.stdout).toMatch(/Seccomp:\s+2/);
        expect(lines[lines.length - 1]).toBe('sandbox');
      });

      it('sandbox processes run under a non-root uid on the host', async () => {
        const marker = `${Math.floor(Math.random() * 1e6) + 2000}.${Date.now() % 1e6}`;
        const pending = run('bash', `sleep ${marker} & sleep 1; kill %1`);
        let uids: string | undefined;
        for (let i = 0; i < 40 && !uids; i++) {
          await new Promise((r) => setTimeout(r, 25));
          for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
            try {
              if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue;
              uids = /^Uid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
            } catch {
              // exited meanwhile
            }
          }
        }
        await pending;
        expect(uids).toBeDefined();
        for (const uid of uids!.split(/\s+/)) expect(Number(uid)).not.toBe(0);
      });

      it('seccomp denies ptrace, namespaces, keyctl, mount, bpf, io_uring', async () => {
        const code = [
          'import ctypes, os',
          'libc = ctypes.CDLL(None, use_errno=True)',
          'def call(name, nr, *a):',
          '  rc = libc.syscall(nr, *a); print(name, rc, ctypes.get_errno())',
          'call("ptrace", 101, 0, 0, 0, 0)',
          'call("unshare", 272, 0x10000000)',
          'call("unshare_net", 272, 0x40000000)',
          'call("setns", 308, 0, 0)',
          'call("keyctl", 250, 0, 0, 0, 0)',
          'call("mount", 165, 0, 0, 0, 0, 0)',
          'call("bpf", 321, 0, 0, 0)',
          'call("io_uring_setup", 425, 1, 0)',
          'call("userfaultfd", 323, 0)',
          'call("clone_newuser", 56, 0x10000000 | 17, 0, 0, 0, 0)',
        ].join('\n');
        const r = await run('python', code);
        const lines = r.stdout.trim().split('\n');
        expect(lines).toHaveLength(10);
        // Denied with any errno (EPERM here, ENOSYS in some profiles); a 0 means the call went through.
        for (const line of lines) expect(line).toMatch(/^\S+ -1 \d+$/);
        const sh = await run('bash', 'unshare -r id; echo "unshare=$?"');
        expect(sh.stdout).toMatch(/unshare=1/);
      });

      it('runtimes are reported by the interpreters inside the sandbox', async () => {
        const rt = await executor.runtimes();
        expect(rt.map((r) => r.language).sort()).toEqual(['bash', 'javascript', 'python', 'typescript']);
        for (const r of rt) expect(r.version).toMatch(/\d+\.\d+/);
        expect(rt.find((r) => r.language === 'python')!.version).toMatch(/^3\./);
      });
    });
  });
}
