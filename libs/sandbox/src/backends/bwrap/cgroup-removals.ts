import { CgroupRun } from './cgroups/cgroup-run';

/**
 * Removes run cgroups after the result is returned. Only empty cgroups come here (killAll
 * confirmed it), and rmdir of a cgroup v1 memory cgroup costs up to ~20 ms of kernel time
 * that no caller should wait for. A removal that fails leaves a directory that the next
 * start's stale sweep removes.
 */
export class CgroupRemovals {
  private readonly pending = new Set<Promise<void>>();

  schedule(cgRun: CgroupRun): void {
    const removal: Promise<void> = cgRun
      .remove()
      .catch(() => undefined)
      .finally(() => this.pending.delete(removal));
    this.pending.add(removal);
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }
}
