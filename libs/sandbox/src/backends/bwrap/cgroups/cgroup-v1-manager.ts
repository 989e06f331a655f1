import { mkdir, rmdir } from 'node:fs/promises';
import { rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupMount, nextRunName, parseNumber, readText } from './cgroup-fs';
import { CgroupManager, CgroupRun, CgroupRunLimits } from './cgroup-run';
import { CgroupV1Dirs } from './cgroup-v1-dirs';
import { CgroupV1Run, DEFAULT_CPU_SHARES } from './cgroup-v1-run';
import { removeStaleSubtrees, SUBTREE_PREFIX } from './stale-cgroups';

const REQUIRED = ['memory', 'pids'];
const OPTIONAL = ['cpuacct', 'cpu'];
const CFS_PERIOD_US = 100_000;
/** Run cgroups kept for later runs: about as many as are in use at once (pools plus live runs). */
const MAX_SPARES = 16;
/**
 * What a run may leave charged (mostly kernel objects of its namespaces, freed shortly after,
 * and page cache) for its cgroup to serve another run, whose memory peak starts from it.
 */
const REUSE_MAX_CHARGED_BYTES = 512 * 1024;

/**
 * Run cgroups under sandbox-<pid> in each hierarchy. An emptied run cgroup is kept for another
 * run rather than removed and made again: in v1 each mkdir populates every controller's files
 * and each rmdir takes the kernel's css teardown and RCU grace periods (together ~0.5 ms of CPU
 * per run on 4 hierarchies here, and removed memory cgroups linger while charged). It is reused
 * only when its run left no process and no OOM kill, and once its charge has fallen under
 * REUSE_MAX_CHARGED_BYTES and pids.current is 0; its counters (CPU time, memory peak, failcnt) are
 * reset and its CFS quota rewritten first.
 */
export class CgroupV1Manager implements CgroupManager {
  readonly version = 1 as const;
  private bases?: Promise<Map<string, string>>;
  private readonly spares: CgroupV1Dirs[] = [];
  private readonly discarding = new Set<Promise<void>>();
  private memswSupported = true;

  constructor(private readonly mounts: ReadonlyMap<string, CgroupMount>) {}

  async problem(): Promise<string | undefined> {
    try {
      await this.ensureBases();
      return undefined;
    } catch (err) {
      this.bases = undefined;
      return `cgroup v1: ${(err as Error).message}`;
    }
  }

  private ensureBases(): Promise<Map<string, string>> {
    return (this.bases ??= this.createBases());
  }

  private async createBases(): Promise<Map<string, string>> {
    const bases = new Map<string, string>();
    for (const controller of [...REQUIRED, ...OPTIONAL]) {
      const mount = this.mounts.get(controller);
      if (!mount) {
        if (REQUIRED.includes(controller)) throw new Error(`the ${controller} controller is not mounted`);
        continue;
      }
      const parent = join(mount.mountPoint, mount.path);
      await removeStaleSubtrees(parent);
      const base = join(parent, `${SUBTREE_PREFIX}${process.pid}`);
      try {
        await mkdir(base);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          if (REQUIRED.includes(controller)) throw new Error(`cannot create ${base}: ${(err as Error).message}`);
          continue;
        }
      }
      bases.set(controller, base);
    }
    process.once('exit', () => {
      for (const dir of this.spares.splice(0).flatMap((d) => d.unique())) {
        try {
          rmdirSync(dir);
        } catch {
          // removed with its subtree by the next start's sweep
        }
      }
      for (const base of bases.values()) {
        try {
          rmdirSync(base);
        } catch {
          // runs still alive at exit are killed by --die-with-parent; the next start removes the rest
        }
      }
    });
    return bases;
  }

  async create(limits: CgroupRunLimits): Promise<CgroupRun> {
    const bases = await this.ensureBases();
    for (let spare = this.spares.shift(); spare; spare = this.spares.shift()) {
      if (await this.readyForReuse(spare, limits)) return this.runIn(spare);
      this.discard(spare);
    }
    const name = nextRunName();
    const byController = new Map<string, string>();
    try {
      for (const [controller, base] of bases) {
        const dir = join(base, name);
        // Co-mounted controllers (e.g. cpu,cpuacct) share one directory.
        if (![...byController.values()].includes(dir)) await mkdir(dir);
        byController.set(controller, dir);
      }
      const dirs = new CgroupV1Dirs(byController);
      await this.applyLimits(dirs, limits);
      return this.runIn(dirs);
    } catch (err) {
      for (const dir of new Set(byController.values())) await rmdir(dir).catch(() => undefined);
      throw err;
    }
  }

  async removeSpares(): Promise<void> {
    this.spares.splice(0).forEach((dirs) => this.discard(dirs));
    while (this.discarding.size > 0) await Promise.all(this.discarding);
  }

  private discard(dirs: CgroupV1Dirs): void {
    const removal: Promise<void> = dirs
      .removeAll()
      .catch(() => undefined)
      .finally(() => this.discarding.delete(removal));
    this.discarding.add(removal);
  }

  private runIn(dirs: CgroupV1Dirs): CgroupV1Run {
    return new CgroupV1Run(dirs, (released, reusable) => this.release(released, reusable));
  }

  private async release(dirs: CgroupV1Dirs, reusable: boolean): Promise<void> {
    if (reusable && this.spares.length < MAX_SPARES) this.spares.push(dirs);
    else await dirs.removeAll();
  }

  private async readyForReuse(dirs: CgroupV1Dirs, limits: CgroupRunLimits): Promise<boolean> {
    try {
      // cgroup.procs leaves out a dying process that pids.current still counts.
      if (parseNumber(await readText(join(dirs.get('pids')!, 'pids.current'))) !== 0) return false;
      const charged = parseNumber(await readText(join(dirs.get('memory')!, 'memory.usage_in_bytes')));
      if (charged === undefined || charged > REUSE_MAX_CHARGED_BYTES) return false;
      await this.applyLimits(dirs, limits, true);
      await dirs.set('cpu', 'cpu.shares', DEFAULT_CPU_SHARES);
      await dirs.reset('memory', 'memory.max_usage_in_bytes');
      await dirs.reset('memory', 'memory.failcnt');
      await dirs.reset('cpuacct', 'cpuacct.usage');
      return true;
    } catch {
      return false;
    }
  }

  /** `reused`: the CFS quota is written even when unchanged, which refills it and ends a throttle the last run left. */
  private async applyLimits(dirs: CgroupV1Dirs, limits: CgroupRunLimits, reused = false): Promise<void> {
    const bytes = String(limits.memoryBytes);
    // The kernel keeps memory's limit at or under memory+swap's: raise that one first.
    const raising = Number(dirs.current('memory', 'memory.limit_in_bytes') ?? Infinity) < limits.memoryBytes;
    if (raising) await this.setMemsw(dirs, bytes);
    await dirs.set('memory', 'memory.limit_in_bytes', bytes);
    if (!raising) await this.setMemsw(dirs, bytes);
    await dirs.set('pids', 'pids.max', String(limits.pids));
    await dirs.set('cpu', 'cpu.cfs_period_us', String(CFS_PERIOD_US));
    await dirs.set('cpu', 'cpu.cfs_quota_us', String(Math.round(limits.cpus * CFS_PERIOD_US)), reused);
  }

  /** memory+swap at the memory limit: no swapping around it. */
  private async setMemsw(dirs: CgroupV1Dirs, bytes: string): Promise<void> {
    if (!this.memswSupported) return;
    try {
      await dirs.set('memory', 'memory.memsw.limit_in_bytes', bytes);
    } catch (err) {
      // ENOENT: swap accounting is disabled
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.memswSupported = false;
    }
  }
}
