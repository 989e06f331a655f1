import { CgroupRun } from './cgroups/cgroup-run';
import { NamespaceHold } from './namespace-hold';

/**
 * The end of every bwrap run, cold or warm: kill what is left in its cgroup, drop the mount
 * namespace hold, and remove the cgroup once it is empty. That removal happens after the result
 * is returned: rmdir of a cgroup v1 memory cgroup costs up to ~20 ms of kernel time that no
 * caller should wait for; a removal that fails leaves a directory the next start's sweep removes.
 */
export class RunTeardown {
  private readonly pending = new Set<Promise<void>>();

  /** True once every process of the run is gone; false when some could not be killed. */
  async finish(cgRun: CgroupRun, ns: NamespaceHold | undefined): Promise<boolean> {
    const empty = await cgRun.killAll();
    ns?.release();
    if (!empty) {
      await cgRun.remove().catch(() => undefined);
      return false;
    }
    const removal: Promise<void> = cgRun
      .remove()
      .catch(() => undefined)
      .finally(() => this.pending.delete(removal));
    this.pending.add(removal);
    return true;
  }

  /** Resolves once the removals scheduled so far are done. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }
}
