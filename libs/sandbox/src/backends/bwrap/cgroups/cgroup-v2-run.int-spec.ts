import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { CgroupRun } from './cgroup-run';
import { CgroupV2Manager } from './cgroup-v2-manager';
import { detectCgroups } from './detect-cgroups';
import { readCgroupLayout, sleep } from './cgroup-fs';

// Only a cgroup v2 host runs these (scripts/cgroup-v2-vm/run.sh makes one); v1 hosts skip them.
const v2 = readCgroupLayout().v2;
const v2Parent = process.env.SANDBOX_CGROUP_V2_PARENT ?? (v2 ? join(v2.mountPoint, v2.path) : '/nonexistent');
const onV2 = /\bmemory\b/.test(readText(join(v2Parent, 'cgroup.controllers')));
const itV2 = onV2 ? it : it.skip;
const [major, minor] = release().split('.').map(Number);
const peakResets = major > 6 || (major === 6 && minor >= 12);

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

describe('CgroupV2Run on this host', () => {
  let manager: CgroupV2Manager;
  const runs: CgroupRun[] = [];

  beforeAll(async () => {
    if (!onV2) return;
    const found = await detectCgroups();
    if (!(found instanceof CgroupV2Manager)) throw new Error(`cgroup v2 host, but detected ${typeof found === 'string' ? found : 'v1'}`);
    expect(await found.problem()).toBeUndefined();
    manager = found;
  });

  afterAll(async () => {
    for (const run of runs) {
      await run.killAll();
      await run.remove();
    }
  });

  /** sh in a fresh run cgroup, attached before its script starts (the sleep). */
  async function shInRun(memoryBytes: number, script: string): Promise<CgroupRun> {
    const run = await manager.create({ memoryBytes, pids: 16, cpus: 1 });
    runs.push(run);
    const child = spawn('/bin/sh', ['-c', `sleep 0.5; ${script}`], { stdio: 'ignore' });
    await run.attach(child.pid!);
    return run;
  }

  async function until(check: () => Promise<boolean>): Promise<void> {
    for (const deadline = Date.now() + 20_000; !(await check()); await sleep(50)) {
      if (Date.now() > deadline) throw new Error('timed out');
    }
  }

  itV2('reports an OOM kill, peak memory and cpu time', async () => {
    const run = await shInRun(32 << 20, 'dd if=/dev/zero of=/dev/null bs=64M count=1; exec sleep 30');
    await until(async () => (await run.stats()).oomKilled);
    const stats = await run.stats();
    expect(stats.memoryPeakKb).toBeGreaterThan(24 * 1024);
    expect(stats.cpuTimeMs).toBeGreaterThanOrEqual(0);
  });

  itV2(`resets the peak for later stats (${peakResets ? '6.12+: takes effect' : 'before 6.12: a no-op'})`, async () => {
    const run = await shInRun(256 << 20, 'dd if=/dev/zero of=/dev/null bs=48M count=1; exec sleep 30');
    await until(async () => ((await run.stats()).memoryPeakKb ?? 0) > 40 * 1024);
    await sleep(1000); // dd has exited: only sh and sleep remain
    await run.resetMemoryPeak();
    const peakKb = (await run.stats()).memoryPeakKb!;
    if (peakResets) expect(peakKb).toBeLessThan(16 * 1024);
    else expect(peakKb).toBeGreaterThan(40 * 1024);
  });
});
