import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { announceSkip, BACKEND_TARGETS, TEST_WARM_POOLS } from '../../test/backends';
import { readCgroupLayout } from '../backends/bwrap/cgroups/cgroup-fs';
import { DOCKER_OWNER_LABEL, ownerLabelValue } from '../backends/docker/container-owner';
import { dockerTestOptions } from '../backends/docker/docker-test-target';
import { DEFAULT_LIMITS_TABLE } from '../limits';
import { RunLimits, RunResult, RunSpec } from '../run-spec';
import { SandboxError, SandboxErrorCode } from '../sandbox-error';
import { SandboxExecutor } from '../sandbox-executor';
import { defaultBackends } from '../default-backends';
import { ChildProcessExecutor } from './child-process-executor';
import { runnerEntryPath } from './runner-entry';
import { RunnerOptions } from './runner-options';

const CANARY = 'RUNNER_TEST_CANARY_SECRET';
process.env[CANARY] = 'must-not-reach-the-runner';

const limits = (extra: Partial<RunLimits> = {}): RunLimits => ({ ...DEFAULT_LIMITS_TABLE.defaults, ...extra });

const PROGRAMS: [string, RunSpec][] = [
  ['python stdout', { language: 'python', code: 'print(sum(range(1, 101)))', limits: limits() }],
  [
    'stdin, args and files',
    {
      language: 'python',
      code: 'import sys\nprint(sys.argv[1:], input(), open("data.txt").read(), __name__)',
      stdin: 'from-stdin\n',
      args: ['a b', '--x'],
      files: [{ name: 'data.txt', content: 'from-file' }],
      limits: limits(),
    },
  ],
  ['bash exit code and stderr', { language: 'bash', code: 'echo oops >&2; exit 3', limits: limits() }],
  ['javascript', { language: 'javascript', code: 'console.log([1,2,3].map(x=>x*x).join(","))', limits: limits() }],
  ['typescript compile error', { language: 'typescript', code: 'const = ;', limits: limits() }],
  ['timeout', { language: 'python', code: 'while True: pass', limits: limits({ timeoutMs: 1000 }) }],
];

const comparable = (r: RunResult) => {
  const { durationMs: _d, cpuTimeMs: _c, memoryPeakKb: _m, ...rest } = r;
  return rest;
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Containers and run cgroups that runner `pid` created and left behind. */
function leftoversOf(backend: string, pid: number): string[] {
  if (backend === 'docker') {
    const owner = ownerLabelValue().replace(/\/\d+$/, `/${pid}`);
    return execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=${DOCKER_OWNER_LABEL}=${owner}`], { timeout: 15_000 })
      .toString()
      .split('\n')
      .filter(Boolean);
  }
  const layout = readCgroupLayout();
  const parents = ['memory', 'pids'].flatMap((c) => {
    const m = layout.v1.get(c);
    return m ? [join(m.mountPoint, m.path)] : layout.v2 ? [join(layout.v2.mountPoint, layout.v2.path)] : [];
  });
  return parents
    .map((p) => join(p, `sandbox-${pid}`))
    .filter(existsSync)
    .flatMap((base) => readdirSync(base).filter((d) => d.startsWith('run-')).map((d) => join(base, d)));
}

async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) if (check()) return true;
  return check();
}

async function errorOf(p: Promise<unknown>): Promise<SandboxError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SandboxError);
  return err as SandboxError;
}

const TARGETS = BACKEND_TARGETS.filter((t) => t.name === 'bwrap' || t.name === 'docker');

describe.each(TARGETS.map((t) => [t.name, t] as const))('ChildProcessExecutor on %s (a real runner process)', (name, target) => {
  const reason = target.unavailable() ?? (existsSync(runnerEntryPath()) ? undefined : `${runnerEntryPath()} is not built (npm run build)`);
  if (reason) {
    it.skip(`skipped: ${reason}`, () => undefined);
    announceSkip(target, reason);
    return;
  }
  const options: RunnerOptions = { backend: name as 'bwrap' | 'docker', backends: { docker: dockerTestOptions(), bwrap: {} } };
  let remote: ChildProcessExecutor;
  let inline: SandboxExecutor;
  const pids = new Set<number>();
  beforeAll(async () => {
    remote = new ChildProcessExecutor({ runner: { ...options, warm: TEST_WARM_POOLS } });
    const { backends, ...rest } = options;
    inline = new SandboxExecutor({ ...rest, backends: defaultBackends(backends) });
    await remote.warmUp();
    pids.add(remote.runnerPid!);
  }, 120_000);
  afterAll(async () => {
    await remote?.close();
    await inline?.close();
  });

  it.each(PROGRAMS)('%s: the same result as in-process', async (_label, spec) => {
    const [there, here] = await Promise.all([remote.run(spec), inline.run(spec)]);
    expect(comparable(there)).toEqual(comparable(here));
  });

  it('health, runtimes and warm stats come from the runner', async () => {
    expect(await remote.health()).toEqual({ backend: name, ready: true });
    expect(await remote.runtimes()).toEqual(await inline.runtimes());
    expect(remote.warmStats.find((s) => s.runtime === 'python')?.size).toBe(TEST_WARM_POOLS.python);
    expect(remote.warmUsage.warm + remote.warmUsage.cold).toBeGreaterThan(0);
  });

  it('SandboxError codes survive the hop', async () => {
    const over = await errorOf(remote.run({ language: 'python', code: 'print(1)', limits: limits({ timeoutMs: 10_000_000 }) }));
    expect(over.code).toBe(SandboxErrorCode.LimitExceeded);
    const bad = await errorOf(remote.run({ language: 'python', code: 'print(1)', files: [{ name: '../evil', content: 'x' }], limits: limits() }));
    expect(bad.code).toBe(SandboxErrorCode.InvalidRequest);
  });

  it('capacity: maxConcurrency 1, maxQueue 0 rejects the second run at once', async () => {
    const small = new ChildProcessExecutor({ runner: { ...options, maxConcurrency: 1, maxQueue: 0 } });
    try {
      const sleep: RunSpec = { language: 'bash', code: 'sleep 1; echo done', limits: limits() };
      const first = small.run(sleep);
      await new Promise((r) => setTimeout(r, 300));
      expect((await errorOf(small.run(sleep))).code).toBe(SandboxErrorCode.Capacity);
      expect((await first).stdout).toBe('done\n');
    } finally {
      await small.close();
    }
  });

  it("the runner's environment is PATH and SANDBOX_* settings only: no canary, no DATABASE_URL", () => {
    const environ = readFileSync(`/proc/${remote.runnerPid}/environ`, 'utf8').split('\0').filter(Boolean);
    const names = environ.map((e) => e.slice(0, e.indexOf('=')));
    expect(names).not.toContain(CANARY);
    expect(environ.join('\n')).not.toContain(process.env[CANARY]);
    for (const n of names) expect(n).toMatch(/^(PATH|SANDBOX_[A-Z0-9_]+|DOCKER_HOST|NODE_CHANNEL_FD|NODE_CHANNEL_SERIALIZATION_MODE)$/);
  });

  it('a killed runner fails its in-flight run with internal and is restarted for the next', async () => {
    const before = remote.runnerPid!;
    const inFlight = errorOf(remote.run({ language: 'bash', code: 'sleep 5; echo late', limits: limits() }));
    await new Promise((r) => setTimeout(r, 700));
    const killedAt = Date.now();
    process.kill(before, 'SIGKILL');
    expect((await inFlight).code).toBe(SandboxErrorCode.Internal);
    expect(Date.now() - killedAt).toBeLessThan(3000);
    const next = await remote.run({ language: 'python', code: 'print("again")', limits: limits() });
    expect(next.stdout).toBe('again\n');
    expect(remote.runnerPid).not.toBe(before);
    pids.add(remote.runnerPid!);
  });

  it('close() leaves no runner process, sandbox or container behind, also of a run it let finish', async () => {
    await remote.run({ language: 'bash', code: 'echo warm', limits: limits() });
    const inFlight = remote.run({ language: 'python', code: 'import time\ntime.sleep(0.5)\nprint(1)', limits: limits() });
    await new Promise((r) => setTimeout(r, 200));
    await remote.close();
    expect(await inFlight).toMatchObject({ exitCode: 0, stdout: '1\n' });
    expect(remote.runnerPid).toBeUndefined();
    for (const pid of pids) {
      expect(await eventually(() => !alive(pid), 5000)).toBe(true);
      expect(await eventually(() => leftoversOf(name, pid).length === 0, 15_000)).toBe(true);
    }
    expect((await errorOf(remote.run({ language: 'bash', code: 'echo', limits: limits() }))).code).toBe(SandboxErrorCode.Unavailable);
  }, 60_000);
});

describe('ChildProcessExecutor without a built runner', () => {
  it('fails with SandboxError unavailable naming the missing file', async () => {
    const executor = new ChildProcessExecutor({ runner: {}, entry: '/nonexistent/runner/main.js' });
    const err = await errorOf(executor.run({ language: 'bash', code: 'echo', limits: limits() }));
    expect(err.code).toBe(SandboxErrorCode.Unavailable);
    expect(err.message).toContain('/nonexistent/runner/main.js');
    expect(await executor.health()).toMatchObject({ ready: false });
  });
});
