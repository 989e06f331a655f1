import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

function firstDir(candidates: string[], file: string): string | undefined {
  return candidates.find((dir) => existsSync(join(dir, file)));
}

/**
 * A container's cgroup as seen from the host (cgroupfs or systemd driver, v1 or v2), read to
 * learn that every process of it is gone sooner than the daemon reports the exit. Undefined
 * when not visible from here (e.g. the gateway itself runs in a container): callers then wait
 * for the daemon.
 */
export class ContainerCgroup {
  private constructor(
    private readonly pidsDir: string,
    private readonly memoryDir: string,
    private readonly v2: boolean,
  ) {}

  static find(id: string): ContainerCgroup | undefined {
    const names = [`docker/${id}`, `system.slice/docker-${id}.scope`];
    const v1Pids = firstDir(names.map((n) => join(ROOT, 'pids', n)), 'cgroup.procs');
    const v1Memory = firstDir(names.map((n) => join(ROOT, 'memory', n)), 'memory.oom_control');
    if (v1Pids && v1Memory) return new ContainerCgroup(v1Pids, v1Memory, false);
    const v2 = firstDir(names.map((n) => join(ROOT, n)), 'memory.events');
    return v2 ? new ContainerCgroup(v2, v2, true) : undefined;
  }

  /** True once no process is left in it (or it is already gone). */
  empty(): boolean {
    try {
      return readFileSync(join(this.pidsDir, 'cgroup.procs'), 'utf8').trim() === '';
    } catch {
      return true;
    }
  }

  /** Whether the kernel's OOM killer killed a process of it; undefined when unreadable. */
  oomKilled(): boolean | undefined {
    try {
      const text = readFileSync(join(this.memoryDir, this.v2 ? 'memory.events' : 'memory.oom_control'), 'utf8');
      const m = /^oom_kill (\d+)$/m.exec(text);
      return m ? Number(m[1]) > 0 : undefined;
    } catch {
      return undefined;
    }
  }
}
