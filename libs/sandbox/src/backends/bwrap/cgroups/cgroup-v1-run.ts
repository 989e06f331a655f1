import { join } from 'node:path';
import { keyedValue, killPids, readPids, sleep } from './cgroup-fs';
import { CgroupRun, CgroupStats } from './cgroup-run';
import { CgroupV1Dirs } from './cgroup-v1-dirs';
import { StatFiles } from './stat-files';

export const DEFAULT_CPU_SHARES = '1024';

/** `reusable`: the run left nothing in the cgroup and was never OOM-killed in it. */
export type ReleaseCgroupV1Dirs = (dirs: CgroupV1Dirs, reusable: boolean) => Promise<void>;

export class CgroupV1Run implements CgroupRun {
  private removed = false;

  constructor(
    private readonly dirs: CgroupV1Dirs,
    private readonly release: ReleaseCgroupV1Dirs,
  ) {}

  private get statFiles(): StatFiles {
    return this.dirs.stats;
  }

  /**
   * On the thread pool, not synchronously like the other cgroupfs writes: a move takes the global
   * cgroup_threadgroup_rwsem, whose first writer after a quiet spell waits an RCU grace period
   * (7-12 ms measured here, unless the hierarchy is mounted with favordynmods).
   */
  async attach(pid: number): Promise<void> {
    this.assertInUse();
    await this.dirs.attach(pid);
  }

  async stats(): Promise<CgroupStats> {
    this.assertInUse();
    const [oomControlFile, failcntFile, peakFile, cpuFile] = this.statPaths();
    const [oomControl, peak, cpuNs] = await Promise.all([
      this.statFiles.read(oomControlFile),
      this.statFiles.readNumber(peakFile),
      cpuFile ? this.statFiles.readNumber(cpuFile) : undefined,
    ]);
    const oomKills = keyedValue(oomControl, 'oom_kill');
    return {
      // Kernels before 4.13 have no oom_kill counter; failcnt then is the best available hint.
      oomKilled: oomKills !== undefined ? oomKills > 0 : ((await this.statFiles.readNumber(failcntFile)) ?? 0) > 0,
      memoryPeakKb: peak !== undefined ? Math.round(peak / 1024) : undefined,
      cpuTimeMs: cpuNs !== undefined ? Math.round(cpuNs / 1e6) : undefined,
    };
  }

  openStats(): void {
    this.statFiles.open(this.statPaths().filter((p): p is string => p !== undefined));
  }

  private statPaths(): [string, string, string, string | undefined] {
    const mem = this.dirs.get('memory')!;
    const cpuacct = this.dirs.get('cpuacct');
    return [
      join(mem, 'memory.oom_control'),
      join(mem, 'memory.failcnt'),
      join(mem, 'memory.max_usage_in_bytes'),
      cpuacct ? join(cpuacct, 'cpuacct.usage') : undefined,
    ];
  }

  async setBackground(background: boolean): Promise<void> {
    if (this.removed) return;
    await this.dirs.set('cpu', 'cpu.shares', background ? '16' : DEFAULT_CPU_SHARES).catch(() => undefined);
  }

  async resetMemoryPeak(): Promise<void> {
    if (this.removed) return;
    await this.dirs.reset('memory', 'memory.max_usage_in_bytes').catch(() => undefined);
  }

  /**
   * From one hierarchy: the run's first two processes join every hierarchy before user code
   * starts, its others inherit all of them, and none can move (no cgroupfs in the sandbox).
   * killAll() reads this after every kill round, so each file less counts.
   */
  async pids(): Promise<number[]> {
    return readPids(join(this.dirs.get('pids')!, 'cgroup.procs'));
  }

  /** Stops once remove() has handed the directories back: they may be another run's by then. */
  async killAll(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (let round = 0; ; round++) {
      if (this.removed) return true;
      const pids = await this.pids();
      if (pids.length === 0) return true;
      if (Date.now() > deadline) return false;
      killPids(pids);
      // Usually bwrap's namespace init, still tearing its namespaces down for about a millisecond.
      await (round < 20 ? new Promise(setImmediate) : sleep(1));
    }
  }

  /** Hands the directories back to the manager, which keeps them for another run when they are clean; once. */
  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    await this.release(this.dirs, await this.leftClean());
  }

  private assertInUse(): void {
    if (this.removed) throw new Error('the run cgroup was handed back');
  }

  private async leftClean(): Promise<boolean> {
    if ((await this.pids()).length > 0) return false;
    const [oomControlFile] = this.statPaths();
    // Kernels without the oom_kill counter: a reused cgroup could not tell a new OOM kill apart.
    return keyedValue(await this.statFiles.read(oomControlFile), 'oom_kill') === 0;
  }
}
