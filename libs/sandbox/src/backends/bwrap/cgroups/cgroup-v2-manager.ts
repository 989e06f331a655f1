import { rmdirSync } from 'node:fs';
import { mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CgroupMount, nextRunName, readText, writeValue } from './cgroup-fs';
import { CgroupManager, CgroupRun, CgroupRunLimits } from './cgroup-run';
import { CgroupV2Run } from './cgroup-v2-run';
import { removeStaleSubtrees, SUBTREE_PREFIX } from './stale-cgroups';

const NEEDED = ['memory', 'pids'];
const CFS_PERIOD_US = 100_000;

export class CgroupV2Manager implements CgroupManager {
  readonly version = 2 as const;
  private base?: Promise<string>;
  private withCpu = false;

  constructor(private readonly mount: CgroupMount) {}

  async problem(): Promise<string | undefined> {
    try {
      await this.ensureBase();
      return undefined;
    } catch (err) {
      this.base = undefined;
      return `cgroup v2: ${(err as Error).message}`;
    }
  }

  private ensureBase(): Promise<string> {
    return (this.base ??= this.createBase());
  }

  private async createBase(): Promise<string> {
    const parent = join(this.mount.mountPoint, this.mount.path);
    const available = ((await readText(join(parent, 'cgroup.controllers'))) ?? '').split(/\s+/);
    const missing = NEEDED.filter((c) => !available.includes(c));
    if (missing.length) throw new Error(`controllers ${missing.join(',')} are not delegated to ${parent}`);
    const enabled = ((await readText(join(parent, 'cgroup.subtree_control'))) ?? '').split(/\s+/);
    const toEnable = NEEDED.filter((c) => !enabled.includes(c));
    if (toEnable.length) {
      try {
        await writeValue(join(parent, 'cgroup.subtree_control'), toEnable.map((c) => `+${c}`).join(' '));
      } catch (err) {
        throw new Error(
          `cannot enable ${toEnable.join(',')} in ${parent}/cgroup.subtree_control (${(err as NodeJS.ErrnoException).code}); ` +
            'give the sandbox a delegated cgroup with SANDBOX_CGROUP_V2_PARENT (e.g. systemd Delegate=yes, gateway process in a sibling leaf)',
        );
      }
    }
    // CPU bandwidth is a bonus: without the cpu controller runs are still bounded by the wall clock.
    this.withCpu =
      available.includes('cpu') &&
      (enabled.includes('cpu') ||
        (await writeValue(join(parent, 'cgroup.subtree_control'), '+cpu').then(
          () => true,
          () => false,
        )));
    const wanted = this.withCpu ? [...NEEDED, 'cpu'] : NEEDED;
    await removeStaleSubtrees(parent);
    const base = join(parent, `${SUBTREE_PREFIX}${process.pid}`);
    await mkdir(base).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await writeValue(join(base, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
    process.once('exit', () => {
      try {
        rmdirSync(base);
      } catch {
        // the next start removes it
      }
    });
    return base;
  }

  async create(limits: CgroupRunLimits): Promise<CgroupRun> {
    const base = await this.ensureBase();
    const dir = join(base, nextRunName());
    await mkdir(dir);
    try {
      await writeValue(join(dir, 'memory.max'), String(limits.memoryBytes));
      await writeValue(join(dir, 'memory.swap.max'), '0').catch(() => undefined);
      await writeValue(join(dir, 'pids.max'), String(limits.pids));
      if (this.withCpu) await writeValue(join(dir, 'cpu.max'), `${Math.round(limits.cpus * CFS_PERIOD_US)} ${CFS_PERIOD_US}`);
    } catch (err) {
      await rmdir(dir).catch(() => undefined);
      throw err;
    }
    return new CgroupV2Run(dir);
  }

  /** v2 keeps none: memory.peak cannot be reset before Linux 6.12, so a reused cgroup would report an earlier run's peak. */
  async removeSpares(): Promise<void> {}
}
