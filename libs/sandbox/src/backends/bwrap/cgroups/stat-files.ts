import { closeSync, openSync, readSync } from 'node:fs';
import { parseNumber, readText } from './cgroup-fs';

const MAX_STAT_BYTES = 4096;

/**
 * A run's cgroup statistics files, opened ahead (a warm sandbox opens them once it is ready) and
 * read again from offset 0, where a cgroupfs read restarts: the open and close of each file,
 * slow on a core that has been idle, leave the path from the program's end to its result.
 * Files not opened ahead are read by path.
 */
export class StatFiles {
  private readonly fds = new Map<string, number>();

  open(paths: string[]): void {
    for (const path of paths) {
      if (this.fds.has(path)) continue;
      try {
        this.fds.set(path, openSync(path, 'r'));
      } catch {
        // read by path later, where a missing file reads as undefined
      }
    }
  }

  async read(path: string): Promise<string | undefined> {
    const fd = this.fds.get(path);
    if (fd === undefined) return readText(path);
    try {
      const buf = Buffer.alloc(MAX_STAT_BYTES);
      return buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0));
    } catch {
      return undefined;
    }
  }

  async readNumber(path: string): Promise<number | undefined> {
    return parseNumber(await this.read(path));
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}
