import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveLimits } from '../../limits';
import { prepareRun } from '../../prepare-run';
import { Language, RunResult } from '../../run-spec';
import { BwrapBackend } from './bwrap-backend';
import { readCgroupLayout } from './cgroups/cgroup-fs';
import { announceSkip, BACKEND_TARGETS } from '../../../test/backends';

const target = BACKEND_TARGETS.find((t) => t.name === 'bwrap')!;
const skip = target.unavailable();
if (skip) announceSkip(target, skip);
const describeBwrap = skip ? describe.skip : describe;

/** Our per-process cgroup subtrees, in every hierarchy we use. */
function ourCgroupDirs(): string[] {
  const delegated = process.env.SANDBOX_CGROUP_V2_PARENT;
  const layout = readCgroupLayout();
  const parents = delegated ? [delegated] : [...layout.v1.values(), ...(layout.v2 ? [layout.v2] : [])].map((m) => join(m.mountPoint, m.path));
  return parents.map((p) => join(p, `sandbox-${process.pid}`)).filter((d) => existsSync(d));
}

describeBwrap('BwrapBackend specifics', () => {
  const backend = new BwrapBackend();
  const limits = resolveLimits({ timeoutMs: 5000 });
  const run = async (language: Language, code: string): Promise<RunResult> => {
    const p = await prepareRun({ language, code, limits });
    if (p.kind !== 'run') throw new Error('unexpected compile result');
    return backend.execute(p.run);
  };

  it('probes ready on this host', async () => {
    expect(await backend.probe()).toEqual({ backend: 'bwrap', ready: true });
  });

  it('reports why it is not ready instead of running unsandboxed', async () => {
    expect(await new BwrapBackend({ rootfsDir: '/nonexistent' }).probe()).toMatchObject({
      ready: false,
      reason: expect.stringMatching(/rootfs not built/),
    });
    expect(await new BwrapBackend({ bwrapPath: '/nonexistent/bwrap' }).probe()).toMatchObject({
      ready: false,
      reason: expect.stringMatching(/bubblewrap not found/),
    });
    if (process.getuid?.() === 0) {
      expect(await new BwrapBackend({ uid: 0, gid: 0 }).probe()).toMatchObject({ ready: false, reason: expect.stringMatching(/root/) });
    }
  });

  it('reports cpu time and peak memory from the cgroup', async () => {
    const r = await run('python', 'x = bytearray(40 * 1024 * 1024)\nfor i in range(3_000_000): pass\nprint(len(x))');
    expect(r.exitCode).toBe(0);
    expect(r.memoryPeakKb).toBeGreaterThan(40 * 1024);
    expect(r.cpuTimeMs).toBeGreaterThan(10);
  });

  it('caps CPU bandwidth at one core per run', async () => {
    const p = await prepareRun({
      language: 'bash',
      code: 'for i in 1 2 3; do (while :; do :; done) & done; wait',
      limits: { ...limits, timeoutMs: 2000 },
    });
    if (p.kind !== 'run') throw new Error('unexpected compile result');
    const r = await backend.execute(p.run);
    expect(r.timedOut).toBe(true);
    expect(r.cpuTimeMs).toBeLessThan(2700);
  });

  it('several backend instances in one process share the cgroup subtree without clashing', async () => {
    const other = new BwrapBackend();
    const p = await prepareRun({ language: 'bash', code: 'echo $$', limits });
    if (p.kind !== 'run') throw new Error('unexpected compile result');
    const results = await Promise.all([backend.execute(p.run), other.execute(p.run), backend.execute(p.run), other.execute(p.run)]);
    for (const r of results) expect(r.exitCode).toBe(0);
  });

  const runCgroups = (): string[] =>
    ourCgroupDirs().flatMap((dir) =>
      readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => join(dir, e.name)),
    );

  /** A run's cgroup is removed in the background once empty: gone counts as empty. */
  const procsOf = (dir: string): string => {
    try {
      return readFileSync(join(dir, 'cgroup.procs'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw err;
    }
  };

  it('empties every per-run cgroup before execute() resolves, and removes them once drain() resolves', async () => {
    await Promise.all([run('bash', 'sleep 0.2 & echo x'), run('bash', 'sleep 5 & exit 0')]);
    for (const dir of runCgroups()) expect(procsOf(dir)).toBe('');
    await backend.drain();
    expect(runCgroups()).toEqual([]);
  });

  it('a warm bash run ends at bwrap’s exit status, before the sandbox is gone, with the status a cold run gets', async () => {
    for (const code of ['sleep 30 & echo "$0"; exit 4', 'echo x; kill -9 $$']) {
      const p = await prepareRun({ language: 'bash', code, limits });
      if (p.kind !== 'run') throw new Error('unexpected compile result');
      const sandbox = await backend.startWarm('bash', limits);
      const outcome = await sandbox.deliver(p.run);
      if (outcome.kind !== 'result') throw new Error(`not started: ${outcome.reason}`);
      expect(outcome.settled).toBeInstanceOf(Promise);
      const cold = await backend.execute(p.run);
      expect(outcome.result).toMatchObject({ exitCode: cold.exitCode, signal: cold.signal, stdout: cold.stdout, stderr: cold.stderr, timedOut: false });
      expect(outcome.result.memoryPeakKb).toBeGreaterThan(0);
      expect(outcome.result.cpuTimeMs).toBeGreaterThanOrEqual(0);
      await outcome.settled;
    }
    for (const dir of runCgroups()) expect(procsOf(dir)).toBe('');
  });

  it('hides bwrap’s own environment and inherited descriptors', async () => {
    const r = await run(
      'python',
      'import os\nprint(repr(open("/proc/1/environ","rb").read()))\nfds = sorted(int(f) for f in os.listdir("/proc/self/fd"))\nprint([ (f, os.readlink(f"/proc/self/fd/{f}")) for f in fds if f > 2 and os.path.exists(f"/proc/self/fd/{f}")])',
    );
    const [environ, fds] = r.stdout.trim().split('\n');
    expect(environ).toBe("b''");
    expect(fds).toBe('[]');
  });

  it('the program sees uid/gid 65534 and no supplementary groups', async () => {
    const r = await run('bash', 'cat /proc/self/status | grep -E "^(Uid|Gid|Groups):"');
    expect(r.stdout).toMatch(/Uid:\s+65534\s+65534\s+65534\s+65534/);
    expect(r.stdout).toMatch(/Groups:\s*$/m);
  });
});
