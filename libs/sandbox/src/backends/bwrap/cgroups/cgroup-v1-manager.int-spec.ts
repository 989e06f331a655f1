import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCgroupLayout, removeCgroupDir, sleep } from './cgroup-fs';
import { CgroupRun, CgroupRunLimits } from './cgroup-run';
import { CgroupV1Manager } from './cgroup-v1-manager';

// Only a host whose runs get v1 cgroups (as detectCgroups picks), as root, runs these; this
// project's CI machine is one. Others skip them.
const layout = readCgroupLayout();
const v2HasMemory = layout.v2 !== undefined && /\bmemory\b/.test(readText(join(layout.v2.mountPoint, layout.v2.path, 'cgroup.controllers')));
const onV1 = process.getuid?.() === 0 && !v2HasMemory && layout.v1.has('memory') && layout.v1.has('pids');
const itV1 = onV1 ? it : it.skip;

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

const CONTROLLERS = ['memory', 'pids', 'cpu', 'cpuacct'];
const LIMITS: CgroupRunLimits = { memoryBytes: 64 << 20, pids: 32, cpus: 1 };

describe('CgroupV1Manager on this host: run cgroups kept for later runs', () => {
  let manager: CgroupV1Manager;
  const runs: CgroupRun[] = [];
  const children: number[] = [];

  beforeAll(() => {
    if (onV1) manager = new CgroupV1Manager(layout.v1);
  });

  afterAll(async () => {
    for (const pid of children) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    for (const run of runs) {
      await run.killAll();
      await run.remove().catch(() => undefined);
    }
    await manager?.removeSpares();
  });

  /** sh attached to a new run cgroup before its script starts, with its directory in each hierarchy. */
  async function shIn(limits: CgroupRunLimits, script: string) {
    const run = await manager.create(limits);
    runs.push(run);
    const child = spawn('/bin/sh', ['-c', `sleep 0.3; ${script}`], { stdio: 'ignore' });
    children.push(child.pid!);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await run.attach(child.pid!);
    const dirs = new Map<string, string>();
    for (const line of readFileSync(`/proc/${child.pid}/cgroup`, 'utf8').trim().split('\n')) {
      const [, controllers, path] = line.split(':');
      for (const c of controllers.split(',')) if (CONTROLLERS.includes(c)) dirs.set(c, join(layout.v1.get(c)!.mountPoint, path));
    }
    return { run, pid: child.pid!, dir: dirs.get('memory')!, dirs, exited };
  }

  const cgroupFile = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').trim();

  itV1('gives an emptied cgroup to the next run, its counters reset and its limits rewritten', async () => {
    const first = await shIn(LIMITS, 'dd if=/dev/zero of=/dev/null bs=24M count=20');
    await first.exited;
    const used = await first.run.stats();
    expect(used.memoryPeakKb).toBeGreaterThan(20 * 1024);
    expect(used.cpuTimeMs).toBeGreaterThan(0);
    await first.run.setBackground(true);
    expect(await first.run.killAll()).toBe(true);
    await first.run.remove();
    expect(existsSync(first.dir)).toBe(true);
    // What the run's processes left charged is freed in the background; reuse waits for that.
    for (const deadline = Date.now() + 5000; Number(cgroupFile(first.dir, 'memory.usage_in_bytes')) > 512 * 1024; await sleep(50)) {
      if (Date.now() > deadline) throw new Error(`still charged: ${cgroupFile(first.dir, 'memory.usage_in_bytes')} bytes`);
    }

    const second = await shIn({ memoryBytes: 96 << 20, pids: 12, cpus: 0.5 }, 'exit 0');
    expect(second.dir).toBe(first.dir);
    const fresh = await second.run.stats();
    expect(fresh.oomKilled).toBe(false);
    expect(fresh.memoryPeakKb).toBeLessThan(1024);
    expect(fresh.cpuTimeMs).toBeLessThan(used.cpuTimeMs!);
    expect(cgroupFile(second.dir, 'memory.limit_in_bytes')).toBe(String(96 << 20));
    expect(cgroupFile(second.dirs.get('pids')!, 'pids.max')).toBe('12');
    const cpuDir = second.dirs.get('cpu');
    if (cpuDir) {
      expect(cgroupFile(cpuDir, 'cpu.shares')).toBe('1024');
      expect(cgroupFile(cpuDir, 'cpu.cfs_quota_us')).toBe('50000');
    }
    await second.exited;
  });

  itV1('removes a cgroup whose run was OOM-killed instead of keeping it', async () => {
    const oom = await shIn({ ...LIMITS, memoryBytes: 16 << 20 }, 'dd if=/dev/zero of=/dev/null bs=64M count=1');
    await oom.exited;
    expect((await oom.run.stats()).oomKilled).toBe(true);
    expect(await oom.run.killAll()).toBe(true);
    await oom.run.remove();
    expect(existsSync(oom.dir)).toBe(false);
  });

  itV1('never keeps a cgroup that still holds a process', async () => {
    const held = await shIn(LIMITS, 'exec sleep 30');
    await expect(held.run.remove()).rejects.toThrow();
    const next = await shIn(LIMITS, 'exit 0');
    expect(next.dir).not.toBe(held.dir);
    // The handed-back run no longer acts on its directories, so its process is killed here.
    process.kill(held.pid, 'SIGKILL');
    await held.exited;
    for (const dir of new Set(held.dirs.values())) await removeCgroupDir(dir);
    await next.exited;
  });
});
