import { closeSync, openSync, write } from 'node:fs';
import { join } from 'node:path';
import { removeCgroupDir, writeValue } from './cgroup-fs';
import { StatFiles } from './stat-files';

/**
 * One run cgroup's directories in the v1 hierarchies (controller → directory; co-mounted
 * controllers share one), and what was last written to each settings file: a directory used
 * again for another run gets only the settings that differ. Counters are reset, never cached.
 * Its statistics files and `cgroup.procs` files stay open while it is kept for another run;
 * removeAll() closes them.
 */
export class CgroupV1Dirs {
  readonly stats = new StatFiles();
  private readonly written = new Map<string, string>();
  private procsFds?: number[];

  constructor(readonly byController: ReadonlyMap<string, string>) {}

  get(controller: string): string | undefined {
    return this.byController.get(controller);
  }

  unique(): string[] {
    return [...new Set(this.byController.values())];
  }

  /** The value last written to a settings file by set(), if any. */
  current(controller: string, file: string): string | undefined {
    const dir = this.get(controller);
    return dir === undefined ? undefined : this.written.get(join(dir, file));
  }

  /**
   * Writes a settings file unless it already holds this value (or `always`, for a write that
   * does more than set it); no-op where the controller is not mounted.
   */
  async set(controller: string, file: string, value: string, always = false): Promise<void> {
    const dir = this.get(controller);
    if (dir === undefined) return;
    const path = join(dir, file);
    if (!always && this.written.get(path) === value) return;
    this.written.delete(path);
    await writeValue(path, value);
    this.written.set(path, value);
  }

  async reset(controller: string, file: string): Promise<void> {
    const dir = this.get(controller);
    if (dir !== undefined) await writeValue(join(dir, file), '0');
  }

  /**
   * Moves a process into every directory: one write per hierarchy on the thread pool, into
   * `cgroup.procs` files opened once (a move can wait an RCU grace period; see CgroupV1Run.attach).
   */
  async attach(pid: number): Promise<void> {
    this.procsFds ??= this.unique().map((dir) => openSync(join(dir, 'cgroup.procs'), 'w'));
    const bytes = Buffer.from(String(pid));
    await Promise.all(
      this.procsFds.map((fd) => new Promise<void>((resolve, reject) => write(fd, bytes, 0, bytes.length, 0, (err) => (err ? reject(err) : resolve())))),
    );
  }

  /** Closes the files kept open and removes every directory (rmdir: they must be empty). */
  async removeAll(): Promise<void> {
    this.stats.close();
    for (const fd of this.procsFds?.splice(0) ?? []) closeSync(fd);
    for (const dir of this.unique()) await removeCgroupDir(dir);
  }
}
