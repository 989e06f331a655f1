import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCgroupLayout } from '../src/backends/bwrap/cgroups/cgroup-fs';

/** What a pool spec needs to see of a backend's warm sandboxes from outside the pool. */
export interface WarmInspector {
  /** CPU used so far by every live sandbox of this process, in ms. */
  cpuMs(): Promise<number>;
  /** SIGKILLs every process of every live sandbox of this process, behind the pool's back. */
  killAll(): Promise<number>;
  /** Sandboxes (cgroups, containers) of this process still present. */
  leftovers(): Promise<string[]>;
}

function runDirs(controller: string): string[] {
  const mount = readCgroupLayout().v1.get(controller);
  const v2 = readCgroupLayout().v2;
  const base = mount ? join(mount.mountPoint, mount.path, `sandbox-${process.pid}`) : v2 ? join(v2.mountPoint, v2.path, `sandbox-${process.pid}`) : undefined;
  if (!base || !existsSync(base)) return [];
  return readdirSync(base)
    .filter((d) => d.startsWith('run-'))
    .map((d) => join(base, d));
}

export const bwrapInspector: WarmInspector = {
  async cpuMs() {
    const v1 = readCgroupLayout().v1.has('cpuacct');
    let total = 0;
    for (const dir of runDirs(v1 ? 'cpuacct' : 'memory')) {
      try {
        if (v1) total += Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) / 1e6;
        else total += Number(/usage_usec (\d+)/.exec(readFileSync(join(dir, 'cpu.stat'), 'utf8'))?.[1] ?? 0) / 1000;
      } catch {
        // removed meanwhile
      }
    }
    return total;
  },
  async killAll() {
    let killed = 0;
    for (const dir of runDirs('pids')) {
      for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
          killed++;
        } catch {
          // gone
        }
      }
    }
    return killed;
  },
  async leftovers() {
    return [...new Set([...runDirs('memory'), ...runDirs('pids')])];
  },
};
