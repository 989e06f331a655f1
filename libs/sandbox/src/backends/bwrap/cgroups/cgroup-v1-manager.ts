import { mkdir, rmdir } from 'node:fs/promises';
import { rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupMount, nextRunName, writeValue } from './cgroup-fs';
import { CgroupManager, CgroupRun, CgroupRunLimits } from './cgroup-run';
import { CgroupV1Run } from './cgroup-v1-run';
import { removeStaleSubtrees, SUBTREE_PREFIX } from './stale-cgroups';

const REQUIRED = ['memory', 'pids'];
const OPTIONAL = ['cpuacct', 'cpu'];
const CFS_PERIOD_US = 100_000;

export class CgroupV1Manager implements CgroupManager {
  readonly version = 1 as const;
  private bases?: Promise<Map<string, string>>;

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
    const name = nextRunName();
    const dirs = new Map<string, string>();
    try {
      for (const [controller, base] of bases) {
        const dir = join(base, name);
        // Co-mounted controllers (e.g. cpu,cpuacct) share one directory.
        if (![...dirs.values()].includes(dir)) await mkdir(dir);
        dirs.set(controller, dir);
      }
      const mem = dirs.get('memory')!;
      await writeValue(join(mem, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      try {
        // memory+swap at the same value: no swapping around the limit.
        await writeValue(join(mem, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes));
      } catch {
        // swap accounting disabled
      }
      await writeValue(join(dirs.get('pids')!, 'pids.max'), String(limits.pids));
      const cpu = dirs.get('cpu');
      if (cpu) {
        await writeValue(join(cpu, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
        await writeValue(join(cpu, 'cpu.cfs_quota_us'), String(Math.round(limits.cpus * CFS_PERIOD_US)));
      }
    } catch (err) {
      for (const dir of dirs.values()) await rmdir(dir).catch(() => undefined);
      throw err;
    }
    return new CgroupV1Run(dirs);
  }
}
