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
  private readonly moving = new Set<Promise<void>>();

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
  attach(pid: number): Promise<void> {
    const fds = (this.procsFds ??= openAll(this.unique().map((dir) => join(dir, 'cgroup.procs'))));
    const bytes = Buffer.from(String(pid));
    const moved = Promise.all(
      fds.map((fd) => new Promise<void>((resolve, reject) => write(fd, bytes, 0, bytes.length, 0, (err) => (err ? reject(err) : resolve())))),
    ).then(() => undefined);
    const settled: Promise<void> = moved.catch(() => undefined).finally(() => this.moving.delete(settled));
    this.moving.add(settled);
    return moved;
  }

  /** Closes the files kept open (once no write to them is queued) and removes every directory (rmdir: they must be empty). */
  async removeAll(): Promise<void> {
    this.stats.close();
    await Promise.all(this.moving);
    for (const fd of this.procsFds ?? []) closeSync(fd);
    this.procsFds = undefined;
    for (const dir of this.unique()) await removeCgroupDir(dir);
  }
}

/** Every file opened for writing, or none: a failure closes those already opened. */
function openAll(paths: string[]): number[] {
  const fds: number[] = [];
  try {
    for (const path of paths) fds.push(openSync(path, 'w'));
    return fds;
  } catch (err) {
    fds.forEach((fd) => closeSync(fd));
    throw err;
  }
}
