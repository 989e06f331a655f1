import { randomUUID } from 'node:crypto';
import { DEFAULT_LIMITS_TABLE, resolveLimits } from '../limits';
import { prepareRun } from '../prepare-run';
import { Language, RunResult, RunSpec } from '../run-spec';
import { SandboxExecutor } from '../sandbox-executor';
import { WarmPoolSizes } from './warm-pools';
import { isWarmCapable } from './warm-sandbox';
import { announceSkip, BACKEND_TARGETS } from '../../test/backends';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const limits = resolveLimits({ timeoutMs: 5000 }, DEFAULT_LIMITS_TABLE);

for (const target of BACKEND_TARGETS.filter((t) => t.inspector)) {
  const skip = target.unavailable();
  if (skip) {
    describe(`warm pools on ${target.name}`, () => it('is skipped', () => announceSkip(target, skip)));
    continue;
  }
  const inspector = target.inspector!;

  describe(`warm pools on ${target.name}`, () => {
    const executors: SandboxExecutor[] = [];
    const executorWith = async (warm: WarmPoolSizes): Promise<SandboxExecutor> => {
      const executor = new SandboxExecutor({ backends: [target.create()], maxConcurrency: 2, warm });
      executors.push(executor);
      await executor.warmUp();
      return executor;
    };
    const run = (executor: SandboxExecutor, language: Language, code: string, extra: Partial<RunSpec> = {}): Promise<RunResult> =>
      executor.run({ language, code, limits, ...extra });

    afterEach(async () => {
      await Promise.all(executors.splice(0).map((e) => e.close()));
      expect(await inspector.leftovers()).toEqual([]);
    });

    it('fills the pools, serves runs warm and refills in the background', async () => {
      const executor = await executorWith({ python: 2, bash: 1 });
      expect(executor.warmStats.map((s) => [s.runtime, s.idle])).toEqual([
        ['python', 2],
        ['bash', 1],
      ]);
      for (let i = 0; i < 2; i++) expect((await run(executor, 'python', 'print(6 * 7)')).stdout).toBe('42\n');
      expect((await run(executor, 'bash', 'echo $((6 * 7))')).stdout).toBe('42\n');
      expect(executor.warmUsage).toEqual({ warm: 3, cold: 0, notStarted: 0, unkillable: 0 });
      await executor.warmUp();
      expect(executor.warmStats.map((s) => s.idle)).toEqual([2, 1]);
      expect((await run(executor, 'python', 'print(6 * 7)')).stdout).toBe('42\n');
      expect(executor.warmUsage.warm).toBe(4);
    });

    it('a long run does not hold refills back; short runs started meanwhile are served warm', async () => {
      const executor = await executorWith({ python: 1 });
      let longDone = false;
      const long = run(executor, 'python', 'import time; time.sleep(3); print("long")').finally(() => (longDone = true));
      await sleep(500);
      for (let i = 0; i < 2; i++) {
        await executor.warmUp();
        expect((await run(executor, 'python', 'print(1)')).stdout).toBe('1\n');
      }
      expect(longDone).toBe(false);
      expect((await long).stdout).toBe('long\n');
      expect(executor.warmUsage).toMatchObject({ warm: 3, cold: 0 });
    });

    it('a warm sandbox serves exactly one run: nothing of a run is visible to the next', async () => {
      const executor = await executorWith({ python: 1, bash: 1 });
      const id = randomUUID();
      const writer = await run(executor, 'bash', `echo ${id} > /work/${id}; echo ${id} > /tmp/${id}; echo ${id} > /dev/shm/${id}; ls /work /tmp`);
      expect(writer.stdout).toContain(id);
      await executor.warmUp();
      const reader = await run(executor, 'bash', `ls -a /work /tmp /dev/shm; grep -rl ${id} /work /tmp /dev/shm; echo done`);
      expect(reader.stdout).not.toContain(id);
      const py = await run(executor, 'python', `import os\nprint(sorted(os.listdir("/work")), os.path.exists("/tmp/${id}"))`);
      expect(py.stdout).toBe("['main.py'] False\n");
      expect(executor.warmUsage.warm).toBe(3);
    });

    it('a warm sandbox cannot be delivered twice', async () => {
      const backend = target.create();
      if (!isWarmCapable(backend)) throw new Error(`${target.name} is not warm-capable`);
      const prepared = await prepareRun({ language: 'python', code: 'print(1)', limits });
      if (prepared.kind !== 'run') throw new Error('unexpected');
      const sandbox = await backend.startWarm('python', limits);
      expect(sandbox.alive).toBe(true);
      const first = await sandbox.deliver(prepared.run);
      expect(first.kind === 'result' && first.result.stdout).toBe('1\n');
      expect(sandbox.alive).toBe(false);
      expect((await sandbox.deliver(prepared.run)).kind).toBe('not-started');
      await sandbox.destroy();
      await backend.drain?.();
    });

    it('a warm sandbox killed behind the pool’s back is discarded; runs still succeed and the pool refills', async () => {
      const executor = await executorWith({ python: 2, javascript: 1 });
      expect(await inspector.killAll()).toBeGreaterThan(0);
      const r = await run(executor, 'python', 'print("still fine")');
      expect(r).toMatchObject({ exitCode: 0, stdout: 'still fine\n' });
      const js = await run(executor, 'javascript', 'console.log("js fine")');
      expect(js).toMatchObject({ exitCode: 0, stdout: 'js fine\n' });
      // Either its death was noticed first (a fresh one or cold) or the launcher never took the code.
      const usage = executor.warmUsage;
      expect(usage.warm + usage.cold).toBe(2);
      await executor.warmUp();
      expect(executor.warmStats.map((s) => s.idle)).toEqual([2, 1]);
      expect((await run(executor, 'python', 'print(2)')).stdout).toBe('2\n');
    });

    it('size 0 disables a pool; a language without a pool, or a run with other limits, runs cold', async () => {
      const none = await executorWith({ python: 0 });
      expect(none.warmStats).toEqual([]);
      expect((await run(none, 'python', 'print(1)')).stdout).toBe('1\n');
      expect(none.warmUsage).toEqual({ warm: 0, cold: 1, notStarted: 0, unkillable: 0 });

      const pyOnly = await executorWith({ python: 1, javascript: 0 });
      expect(pyOnly.warmStats.map((s) => s.runtime)).toEqual(['python']);
      expect((await run(pyOnly, 'javascript', 'console.log(1)')).stdout).toBe('1\n');
      expect((await run(pyOnly, 'python', 'print(1)', { limits: { ...limits, memoryMb: 128 } })).stdout).toBe('1\n');
      expect(pyOnly.warmUsage).toEqual({ warm: 0, cold: 2, notStarted: 0, unkillable: 0 });
      expect((await run(pyOnly, 'python', 'print(1)')).stdout).toBe('1\n');
      expect(pyOnly.warmUsage.warm).toBe(1);
    });

    it('idle warm sandboxes use no CPU', async () => {
      await executorWith({ python: 1, javascript: 1, bash: 1 });
      await sleep(300);
      const before = await inspector.cpuMs();
      await sleep(2000);
      const after = await inspector.cpuMs();
      expect(before).toBeGreaterThan(0);
      expect(after - before).toBeLessThan(20);
    });

    it('close() leaves nothing behind, and later runs are cold', async () => {
      const executor = await executorWith({ python: 2, javascript: 2, bash: 1 });
      expect((await inspector.leftovers()).length).toBeGreaterThan(0);
      await executor.close();
      expect(await inspector.leftovers()).toEqual([]);
      expect((await run(executor, 'python', 'print(1)')).stdout).toBe('1\n');
      expect(executor.warmStats).toEqual([]);
      await executor.close();
      expect(await inspector.leftovers()).toEqual([]);
    });

    it('the clock starts when the code is delivered', async () => {
      const warm = await executorWith({ python: 1 });
      const cold = await executorWith({});
      const warmMs: number[] = [];
      const coldMs: number[] = [];
      for (let i = 0; i < 5; i++) {
        await warm.warmUp();
        warmMs.push((await run(warm, 'python', 'print(1)')).durationMs);
        coldMs.push((await run(cold, 'python', 'print(1)')).durationMs);
      }
      expect(warm.warmUsage.warm).toBe(5);
      expect(p50(warmMs)).toBeLessThan(p50(coldMs));
      const timeout = await run(warm, 'python', 'while True: pass', { limits: { ...limits, timeoutMs: 1000 } });
      expect(timeout).toMatchObject({ timedOut: true, exitCode: null });
      expect(timeout.durationMs).toBeGreaterThanOrEqual(950);
      expect(timeout.durationMs).toBeLessThan(4000);
    });

    (target.name === 'bwrap+warm' ? it : it.skip)('node: the status on the done pipe is the run\'s, also when the launcher then dies of SIGKILL', async () => {
      const executor = await executorWith({ javascript: 1 });
      const report = (status: number) => `const fs = require("fs");\nconsole.log("before");\nfs.writeSync(6, Buffer.from([0xe7, ${status}]));\nprocess.kill(process.pid, "SIGKILL")`;
      expect(await run(executor, 'javascript', report(9))).toMatchObject({ exitCode: 9, signal: null, stdout: 'before\n', timedOut: false });
      await executor.warmUp();
      expect(await run(executor, 'javascript', 'require("fs").writeSync(6, "junk");\nprocess.exitCode = 4')).toMatchObject({ exitCode: 4, signal: null });
      await executor.warmUp();
      expect(await run(executor, 'javascript', 'require("fs").closeSync(6);\nprocess.exitCode = 5')).toMatchObject({ exitCode: 5, signal: null });
      expect(executor.warmUsage).toEqual({ warm: 3, cold: 0, notStarted: 0, unkillable: 0 });
    });

    (target.name === 'bwrap+warm' ? it : it.skip)('python and node: the result comes with the report, with all output written before it, and the sandbox is killed after', async () => {
      const executor = await executorWith({ python: 2, javascript: 1 });
      const python = [
        'import subprocess, sys',
        'subprocess.Popen(["sleep", "30"])',
        'sys.stdout.write("x" * 65536)',
        'print("y" * 70000, file=sys.stderr)',
        'raise SystemExit(3)',
      ].join('\n');
      const py = await run(executor, 'python', python);
      expect(py).toMatchObject({ exitCode: 3, signal: null, timedOut: false, stdoutTruncated: false, stderrTruncated: true });
      expect(py.stdout).toBe('x'.repeat(65536));
      expect(py.stderr).toMatch(/^y+$/);
      // Only the launching process reports: a forked child that exits through the launcher does not end the run.
      const fork = 'import os, sys\nif os.fork() == 0:\n    print("child", flush=True)\n    sys.exit(3)\nos.wait()\nprint("parent")';
      expect(await run(executor, 'python', fork)).toMatchObject({ exitCode: 0, stdout: 'child\nparent\n' });
      // A forged report ends the run as an exit would, the program still running is killed.
      const forged = await run(executor, 'javascript', 'console.log("a");\nrequire("fs").writeSync(6, Buffer.from([0xe7, 7]));\nsetInterval(() => console.log("b"), 1)');
      expect(forged).toMatchObject({ exitCode: 7, signal: null, timedOut: false });
      expect(forged.stdout).toMatch(/^a\n(b\n)*$/);
      expect(executor.warmUsage).toEqual({ warm: 3, cold: 0, notStarted: 0, unkillable: 0 });
    });

    describe('behaves as a cold run', () => {
      let warm: SandboxExecutor;
      let cold: SandboxExecutor;
      beforeEach(async () => {
        warm = await executorWith({ python: 1, javascript: 1, typescript: 1, bash: 1 });
        cold = await executorWith({});
      });
      const both = async (language: Language, code: string, extra: Partial<RunSpec> = {}): Promise<[RunResult, RunResult]> => {
        await warm.warmUp();
        const w = await run(warm, language, code, extra);
        const c = await run(cold, language, code, extra);
        expect(warm.warmUsage.cold).toBe(0);
        return [w, c];
      };
      const same = ([w, c]: [RunResult, RunResult]) => {
        expect({ exitCode: w.exitCode, signal: w.signal, stdout: w.stdout, stderr: w.stderr }).toEqual({
          exitCode: c.exitCode,
          signal: c.signal,
          stdout: c.stdout,
          stderr: c.stderr,
        });
      };

      it('python: __main__, sys.argv, sys.path[0], __file__, stdin, and EOF without stdin', async () => {
        const code = 'import sys\nprint(__name__, sys.argv, sys.path[0], __file__, repr(sys.stdin.read()))\nprint(sorted(k for k in globals() if k.startswith("__")))';
        const [w, c] = await both('python', code, { args: ['a b', '-x'], stdin: 'in\nput' });
        same([w, c]);
        expect(w.stdout.split('\n')[0]).toBe("__main__ ['main.py', 'a b', '-x'] /work /work/main.py 'in\\nput'");
        same(await both('python', code));
      });

      it('python: an uncaught exception prints the same traceback and exits 1; SystemExit and syntax errors as usual', async () => {
        const [w] = await both('python', 'def f():\n  raise ValueError("boom")\nf()');
        expect(w.exitCode).toBe(1);
        expect(w.stderr).toMatch(/^Traceback \(most recent call last\):\n {2}File "\/work\/main\.py", line 3/);
        same(await both('python', 'def f():\n  raise ValueError("boom")\nf()'));
        same(await both('python', 'import sys\nprint("out")\nsys.exit("bye")'));
        same(await both('python', 'raise SystemExit(7)'));
        same(await both('python', 'x = (\n'));
        same(await both('python', 'import atexit, threading, time\natexit.register(lambda: print("atexit"))\nthreading.Thread(target=lambda: (time.sleep(0.1), print("thread"))).start()'));
      });

      it('python: the end of a run is the interpreter\'s: __del__ of globals, buffered files, atexit order, exit statuses', async () => {
        const del = 'class A:\n  def __del__(self): print("del", type(self).__name__, flush=True)\na = A()\nprint("main")';
        expect((await both('python', del))[0].stdout).toBe('main\ndel A\n');
        same(await both('python', del));
        same(await both('python', 'f = open("/dev/stdout", "w")\nf.write("unflushed file\\n")\nprint("printed")'));
        const noAddresses = (r: RunResult) => ({ ...r, stderr: r.stderr.replace(/ at 0x[0-9a-f]+/g, '') });
        const [wa, ca] = await both('python', 'import atexit\natexit.register(print, "first")\natexit.register(print, "second")\natexit.register(lambda: 1 / 0)');
        expect(wa.stdout).toBe('second\nfirst\n');
        same([noAddresses(wa), noAddresses(ca)]);
        same(await both('python', 'import sys\ndef g():\n  try:\n    yield 1\n  finally:\n    print("generator closed")\nit = g(); next(it)\nsys.exit(3)'));
        for (const code of ['raise SystemExit(True)', 'raise SystemExit(300)', 'raise SystemExit(-1)', 'raise SystemExit(2**40)', 'raise SystemExit(None)', 'import os; print("x"); os._exit(4)']) {
          same(await both('python', code));
        }
        same(await both('python', 'import sys\nsys.stdout.write("no newline")\nsys.stderr.write("err")'));
      });

      it('javascript: require.main, process.argv, stdin, EOF without stdin, exit codes', async () => {
        const code = [
          'let d = "";',
          'process.stdin.on("data", (c) => (d += c)).on("end", () => {',
          '  console.log(require.main === module, process.argv.slice(1), __filename, process.execArgv, JSON.stringify(d));',
          '});',
        ].join('\n');
        const [w] = await both('javascript', code, { args: ['a b'], stdin: 'x\ny' });
        expect(w.stdout).toBe("true [ '/work/main.js', 'a b' ] /work/main.js [] \"x\\ny\"\n");
        same(await both('javascript', code, { args: ['a b'], stdin: 'x\ny' }));
        same(await both('javascript', code));
        same(await both('javascript', 'console.log(Object.getOwnPropertyNames(globalThis).sort().join(), typeof fs, typeof http, typeof crypto)'));
        same(await both('javascript', 'process.exitCode = 3; process.on("exit", (c) => console.log("exit", c))'));
        same(await both('javascript', 'process.on("exit", (c) => console.log("exit", c)); process.exit(5)'));
        same(await both('javascript', 'process.stdout.write("y".repeat(50000)); console.error("done")'));
        same(await both('javascript', 'process.stdout.write("z".repeat(200000)); process.exitCode = 300'));
        same(await both('javascript', 'setTimeout(() => console.log("later"), 50); process.on("beforeExit", () => console.log("beforeExit"))'));
        const order = 'const o = []; setTimeout(() => { o.push("timeout"); console.log(o.join()); }, 5); setImmediate(() => o.push("immediate"));\n' +
          'process.nextTick(() => o.push("tick")); Promise.resolve().then(() => o.push("promise")); o.push("main");';
        same(await both('javascript', order));
      });

      it('javascript: an uncaught exception is reported as cold (message, source line, exit 1)', async () => {
        const [w, c] = await both('javascript', 'function f() { throw new Error("boom") }\nf()');
        expect(w.exitCode).toBe(1);
        const head = (s: string) => s.split('\n').slice(0, 6).join('\n');
        expect(head(w.stderr)).toBe(head(c.stderr));
        const [wl, cl] = await both('javascript', 'setTimeout(() => { throw new Error("late") }, 1); process.on("exit", (c) => console.log("exit", c))');
        expect(wl.stdout).toBe(cl.stdout);
        expect(head(wl.stderr)).toBe(head(cl.stderr));
        const [wr, cr] = await both('javascript', 'Promise.reject(new Error("rejected"))');
        expect(wr.exitCode).toBe(cr.exitCode);
        expect(wr.stderr.split('\n')[0]).toBe(cr.stderr.split('\n')[0]);
      });

      it('typescript (CommonJS and ES module output, compiled in the sandbox or by esbuild before it)', async () => {
        for (const prefix of ['', 'namespace N { export const k = 1; }\n']) {
          same(await both('typescript', prefix + 'const n: number = 41 + 1;\nconsole.log(n, process.argv.slice(2), require.main === module)', { args: ['z'] }));
          same(await both('typescript', prefix + 'const v: string = await Promise.resolve("tla");\nconsole.log(v, import.meta.url, process.argv.slice(1))'));
          same(await both('typescript', prefix + 'const x: number = 1;\nlet y: = 2;'));
        }
      });

      it('bash: $0, args, stdin and files', async () => {
        const files = [{ name: 'dir/data.txt', content: 'payload\n' }];
        same(await both('bash', 'echo "$0" "$@"; cat; cat dir/data.txt; ls -l --time-style=+ /work /work/dir | sort', { args: ['1 2', '*'], stdin: 'from stdin\n', files }));
        // What the frame unpacker takes apart: empty and multi-line args, nested and empty files, non-ASCII names and bytes.
        const nested = [
          { name: 'a/b/c/deep.txt', content: 'é\u0000ü\n' },
          { name: 'a/empty', content: '' },
          { name: 'ünï.txt', content: 'x'.repeat(70_000) },
        ];
        const listing = 'printf "[%s]" "$#" "$@"; echo; find /work -printf "%M %s %p\\n" | sort; od -c a/b/c/deep.txt; wc -c ünï.txt';
        const [unpacked, cold] = await both('bash', listing, { args: ['', 'two\nlines', '--', 'ä'], files: nested });
        same([unpacked, cold]);
        expect(unpacked.stdout).toContain('[4][][two\nlines][--][ä]\n');
        expect(unpacked.stdout).toContain('-rw-r--r-- 0 /work/a/empty\n');
        expect(unpacked.stdout).toContain('drwxr-xr-x 60 /work/a/b/c\n');
        expect(unpacked.stdout).toContain('70000 ünï.txt\n');
        same(await both('bash', 'cat; echo "rc=$?"'));
        same(await both('bash', 'trap "echo bye" EXIT; echo out; missing_command; echo "rc=$?"; exit 3'));
        same(await both('bash', 'set -e; f() { false; }; echo before; f; echo unreachable'));
        same(await both('bash', 'echo start\nif then fi'));
        for (const code of ['echo a; false', '(exit 300)', 'sleep 5 & echo bg']) same(await both('bash', code));
      });
    });
  });
}
