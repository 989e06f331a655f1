import { readdirSync, readFileSync } from 'node:fs';
import { DEFAULT_LIMITS_TABLE, resolveLimits } from '../../../limits';
import { RunResult } from '../../../run-spec';
import { SandboxExecutor } from '../../../sandbox-executor';
import { announceSkip, BACKEND_TARGETS } from '../../../../test/backends';
import { BwrapBackend } from '../bwrap-backend';

const target = BACKEND_TARGETS.find((t) => t.name === 'bwrap+warm')!;
const skip = target.unavailable();
const limits = resolveLimits({ timeoutMs: 5000 }, DEFAULT_LIMITS_TABLE);

const cmdline = (pid: string): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};
const ppid = (pid: string): string => /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';

/** Host pids of zygotes: a python3 started with the zygote's source by bwrap (its children share that argv). */
const zygotePids = (): number[] =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p) && cmdline(p).includes('def _zygote()'))
    .filter((p) => {
      try {
        return !cmdline(ppid(p)).includes('def _zygote()');
      } catch {
        return false;
      }
    })
    .map(Number);

/** What a run sees of where it came from and of what it shares with the run beside it. */
const SELF_REPORT = String.raw`import os, socket, sys
print(open('/proc/1/cmdline', 'rb').read().split(b'\0')[0].decode(), os.getpid(), sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))
print(sorted(os.listdir('/work')), sorted(os.listdir('/tmp')), sorted(os.listdir('/dev/shm')), sorted(os.listdir('/dev/pts')))
print(socket.gethostname(), os.getcwd(), sorted(int(f) for f in os.listdir('/proc/self/fd')))
print(sorted(set(line.split(':')[2] for line in open('/proc/self/cgroup').read().split())))
`;

(skip ? describe.skip : describe)('warm python sandboxes forked from a zygote', () => {
  const executors: SandboxExecutor[] = [];
  const executorWith = async (pythonZygote: boolean, python = 2): Promise<SandboxExecutor> => {
    const executor = new SandboxExecutor({ backends: [new BwrapBackend({ pythonZygote })], maxConcurrency: 2, warm: { python } });
    executors.push(executor);
    await executor.warmUp();
    return executor;
  };
  const run = (executor: SandboxExecutor, code: string, extra: { stdin?: string; timeoutMs?: number } = {}): Promise<RunResult> =>
    executor.run({ language: 'python', code, stdin: extra.stdin, limits: { ...limits, timeoutMs: extra.timeoutMs ?? limits.timeoutMs } });

  afterEach(async () => {
    await Promise.all(executors.splice(0).map((e) => e.close()));
    expect(await target.inspector!.leftovers()).toEqual([]);
    expect(zygotePids()).toEqual([]);
  });

  it('a run comes from a zygote child: pid 2 under its own init, own /work, /tmp, /dev/shm, ptys, cwd, fds and cgroup root', async () => {
    const executor = await executorWith(true);
    expect(zygotePids()).toHaveLength(1);
    const r = await run(executor, SELF_REPORT);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe("python3 2 [1, 2]\n['main.py'] [] [] ['ptmx']\nsandbox /work [0, 1, 2, 3, 6]\n['/']\n");
    expect(executor.warmUsage.warm).toBe(1);
    expect(r.cpuTimeMs).toBeGreaterThanOrEqual(0);
    expect(r.memoryPeakKb).toBeGreaterThan(0);
  });

  it('the zygote runs under a seccomp filter of its own, and a run under that one and the runner\'s', async () => {
    const executor = await executorWith(true);
    expect(zygotePids()).toHaveLength(1);
    const statusOf = (pid: string) => readFileSync(`/proc/${pid}/status`, 'utf8');
    const pythons = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && cmdline(p).includes('def _zygote()') && /^Name:\s+python3$/m.test(statusOf(p)));
    const zygote = pythons.filter((p) => !pythons.includes(ppid(p)));
    expect(zygote).toHaveLength(1);
    const status = statusOf(zygote[0]);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(status).toMatch(/^Seccomp:\s+2$/m);
    expect(status).toMatch(/^Seccomp_filters:\s+1$/m);
    const r = await run(executor, "import os\nprint(open('/proc/self/status').read().count('Seccomp_filters:\\t2'))\nos.unshare(os.CLONE_NEWCGROUP)");
    expect(r.stdout).toBe('1\n');
    expect(r.stderr).toContain('PermissionError');
    expect(executor.warmUsage.warm).toBe(1);
  });

  it('without the zygote a warm python sandbox is a bwrap sandbox of its own', async () => {
    const executor = await executorWith(false);
    expect(zygotePids()).toEqual([]);
    const r = await run(executor, SELF_REPORT);
    expect(r.stdout.split('\n')[0]).toBe('/usr/bin/bwrap 2 [1, 2]');
    expect(executor.warmUsage.warm).toBe(1);
  });

  it('two children of one zygote side by side share no file, pty, abstract socket or System V IPC key', async () => {
    const executor = await executorWith(true);
    const first = run(
      executor,
      String.raw`import ctypes, os, socket, time, pty
assert ctypes.CDLL(None).shmget(0x5a9, 4096, 0o1666) >= 0
for d in ('/work', '/tmp', '/dev/shm'):
    open(d + '/first', 'w').write('x')
m, s = pty.openpty()
l = socket.socket(socket.AF_UNIX); l.bind(b'\0zygote-neighbour'); l.listen(1)
print('ready', flush=True)
time.sleep(10)
`,
      { timeoutMs: 3000 },
    );
    // The first run is killed at its timeout; the second runs while it holds its files, pty and socket.
    await new Promise((r) => setTimeout(r, 500));
    const second = await run(
      executor,
      String.raw`import ctypes, os, socket
print(ctypes.CDLL(None).shmget(0x5a9, 0, 0o666))
print([sorted(os.listdir(d)) for d in ('/work', '/tmp', '/dev/shm', '/dev/pts')])
try:
    socket.socket(socket.AF_UNIX).connect(b'\0zygote-neighbour'); print('reached')
except OSError:
    print('unreachable')
`,
    );
    expect(second.stdout).toBe("-1\n[['main.py'], [], [], ['ptmx']]\nunreachable\n");
    expect(zygotePids()).toHaveLength(1);
    const r = await first;
    expect([r.stdout, r.timedOut]).toEqual(['ready\n', true]);
  });

  it('a zygote serves its slots, then the next one takes over; every run is a fresh child', async () => {
    const executor = await executorWith(true, 1);
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const r = await run(executor, 'import os\nprint(os.listdir("/work"), open("/work/mark", "w").write("x"))');
      expect(r.stdout).toBe("['main.py'] 1\n");
      for (const pid of zygotePids()) seen.add(pid);
      await executor.warmUp();
    }
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(zygotePids().length).toBeLessThanOrEqual(2);
    expect(executor.warmUsage).toMatchObject({ warm: 40, cold: 0 });
  });

  it("a child's memory and pids limits are its own: it is OOM-killed alone and the next child runs", async () => {
    const executor = await executorWith(true);
    const [zygote] = zygotePids();
    const oom = await run(executor, 'a = []\nwhile True:\n  a.append(bytearray(8 * 1024 * 1024))');
    expect([oom.oomKilled, oom.timedOut, oom.exitCode === 0]).toEqual([true, false, false]);
    const forks = await run(executor, 'import os\nn = 0\ntry:\n  while True:\n    if os.fork() == 0:\n      import time; time.sleep(30)\n    n += 1\nexcept OSError as e:\n  print(n, e.errno)');
    expect(forks.stdout).toMatch(/^\d+ 11\n$/);
    expect(Number(forks.stdout.split(' ')[0])).toBeLessThan(limits.pids);
    await executor.warmUp();
    expect((await run(executor, 'print(1)')).stdout).toBe('1\n');
    await executor.afterRuns();
    expect(zygotePids()).toEqual([zygote]);
    expect(executor.warmUsage).toMatchObject({ warm: 3, cold: 0 });
  });

  it("a run cannot leave anything in the /dev every child of a zygote shares, nor swap its links", async () => {
    const executor = await executorWith(true);
    const tries = String.raw`import os
for f in (lambda: open('/dev/leak', 'w'), lambda: os.unlink('/dev/stdout'), lambda: os.symlink('/work/x', '/dev/stdin2'), lambda: os.mkdir('/dev/d')):
    try:
        f(); print('done')
    except OSError as e:
        print(e.errno)
print(os.readlink('/dev/stdout'), sorted(os.listdir('/dev')))
`;
    const first = await run(executor, tries);
    expect(first.stdout).toBe(`30\n30\n30\n30\n/proc/self/fd/1 ${JSON.stringify(['core', 'fd', 'full', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero']).replace(/"/g, "'").replace(/,/g, ', ')}\n`);
    await executor.warmUp();
    expect((await run(executor, tries)).stdout).toBe(first.stdout);
    expect((await run(executor, 'import os\nprint(open("/dev/null", "w").write("x"), os.read(os.open("/dev/zero", os.O_RDONLY), 2))')).stdout).toBe("1 b'\\x00\\x00'\n");
  });

  it('loopback works inside a child (its own), and SIGINT to its init does not end the run', async () => {
    const executor = await executorWith(true);
    const r = await run(
      executor,
      String.raw`import os, signal, socket, time
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); s, _ = l.accept(); c.sendall(b'over lo'); print(s.recv(16).decode())
os.kill(1, signal.SIGINT); os.kill(1, signal.SIGTERM); time.sleep(0.2)
print('still here')
`,
    );
    expect([r.stdout, r.stderr, r.exitCode]).toEqual(['over lo\nstill here\n', '', 0]);
  });

  it('exit statuses and signals reach the result without the launcher (os._exit, SIGKILL, SIGSEGV, an error in its finish)', async () => {
    const executor = await executorWith(true);
    expect((await run(executor, 'import os\nprint("x", flush=True)\nos._exit(4)')).exitCode).toBe(4);
    const killed = await run(executor, 'import os, signal\nos.kill(os.getpid(), signal.SIGKILL)');
    expect([killed.exitCode, killed.signal]).toEqual([137, 'SIGKILL']);
    const segv = await run(executor, 'import ctypes\nctypes.string_at(0)');
    expect(segv.signal).toBe('SIGSEGV');
    // An error out of the launcher's own finish is reported as the interpreter would, never to the zygote's loop.
    const broken = await run(executor, 'import threading\ndef boom():\n    raise OSError(5, "boom")\nthreading._shutdown = boom\nprint("out")');
    expect([broken.stdout, broken.exitCode]).toEqual(['out\n', 1]);
    expect(broken.stderr).toMatch(/OSError: \[Errno 5\] boom\n$/);
  });
});
if (skip) it('is skipped', () => announceSkip(target, skip));
