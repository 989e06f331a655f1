import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keyedValue, killPids, readNumber, readPids, removeCgroupDir, sleep, writeValue } from './cgroup-fs';
import { CgroupRun, CgroupStats } from './cgroup-run';
import { StatFiles } from './stat-files';

export class CgroupV2Run implements CgroupRun {
  /** memory.peak opened for a reset: since Linux 6.12 a reset holds only for reads through that fd. */
  private peakFd?: number;
  private readonly statFiles = new StatFiles();

  constructor(private readonly dir: string) {}

  /** On the thread pool: a move can wait an RCU grace period (see CgroupV1Run.attach). */
  async attach(pid: number): Promise<void> {
    await writeFile(join(this.dir, 'cgroup.procs'), String(pid));
  }

  async stats(): Promise<CgroupStats> {
    const [events, peak, cpuStat] = await Promise.all([
      this.statFiles.read(join(this.dir, 'memory.events')),
      this.peakFd !== undefined ? readPeakFd(this.peakFd) : readNumber(join(this.dir, 'memory.peak')),
      this.statFiles.read(join(this.dir, 'cpu.stat')),
    ]);
    const cpuUsec = keyedValue(cpuStat, 'usage_usec');
    return {
      oomKilled: (keyedValue(events, 'oom_kill') ?? 0) > 0,
      memoryPeakKb: peak !== undefined ? Math.round(peak / 1024) : undefined,
      cpuTimeMs: cpuUsec !== undefined ? Math.round(cpuUsec / 1000) : undefined,
    };
  }

  openStats(): void {
    this.statFiles.open([join(this.dir, 'memory.events'), join(this.dir, 'cpu.stat')]);
  }

  async setBackground(background: boolean): Promise<void> {
    await writeValue(join(this.dir, 'cpu.weight'), background ? '2' : '100').catch(() => undefined);
  }

  async resetMemoryPeak(): Promise<void> {
    let fd: number | undefined;
    try {
      fd = openSync(join(this.dir, 'memory.peak'), 'r+');
      writeSync(fd, 'reset');
    } catch {
      // before 6.12 memory.peak cannot be reset: the peak then includes the warm start-up
      if (fd !== undefined) closeSync(fd);
      return;
    }
    this.closePeakFd();
    this.peakFd = fd;
  }

  pids(): Promise<number[]> {
    return readPids(join(this.dir, 'cgroup.procs'));
  }

  async killAll(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let useKillFile = true;
    for (let round = 0; ; round++) {
      const pids = await this.pids();
      if (pids.length === 0) return true;
      if (Date.now() > deadline) return false;
      if (useKillFile) {
        // cgroup.kill (5.14+) kills atomically, fork races included.
        useKillFile = await writeValue(join(this.dir, 'cgroup.kill'), '1').then(
          () => true,
          () => false,
        );
      }
      if (!useKillFile) killPids(pids);
      // Usually bwrap's namespace init, still exiting for about a millisecond.
      await (round < 20 ? new Promise(setImmediate) : sleep(1));
    }
  }

  async remove(): Promise<void> {
    this.closePeakFd();
    this.statFiles.close();
    await removeCgroupDir(this.dir);
  }

  private closePeakFd(): void {
    if (this.peakFd === undefined) return;
    closeSync(this.peakFd);
    this.peakFd = undefined;
  }
}

/** cgroupfs reads restart at offset 0, so the same fd can be read again and again. */
async function readPeakFd(fd: number): Promise<number | undefined> {
  try {
    const buf = Buffer.alloc(32);
    const n = Number(buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0)).trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}
