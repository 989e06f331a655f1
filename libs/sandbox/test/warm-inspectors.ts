import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCgroupLayout } from '../src/backends/bwrap/cgroups/cgroup-fs';
import { DOCKER_OWNER_LABEL, ownerLabelValue } from '../src/backends/docker/container-owner';

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
  const delegated = process.env.SANDBOX_CGROUP_V2_PARENT;
  const v2Parent = delegated ?? (v2 ? join(v2.mountPoint, v2.path) : undefined);
  const base = delegated || !mount ? (v2Parent ? join(v2Parent, `sandbox-${process.pid}`) : undefined) : join(mount.mountPoint, mount.path, `sandbox-${process.pid}`);
  if (!base || !existsSync(base)) return [];
  return readdirSync(base)
    .filter((d) => d.startsWith('run-'))
    .map((d) => join(base, d));
}

/** SIGKILLs every process of one cgroup directory behind the pool's back; returns how many. */
function killCgroup(dir: string): number {
  let killed = 0;
  for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
      killed++;
    } catch {
      // gone
    }
  }
  return killed;
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
    return runDirs('pids').reduce((n, dir) => n + killCgroup(dir), 0);
  },
  async leftovers() {
    return [...new Set([...runDirs('memory'), ...runDirs('pids')])];
  },
};

const docker = (args: string[]): string => execFileSync('docker', args, { stdio: 'pipe', timeout: 15_000 }).toString().trim();
const ourWarmContainers = (all: boolean): string[] =>
  docker(['ps', ...(all ? ['-a'] : []), '-q', '--no-trunc', '--filter', `label=${DOCKER_OWNER_LABEL}=${ownerLabelValue()}`])
    .split('\n')
    .filter(Boolean);
const containerDir = (controller: string, id: string): string | undefined =>
  [join('/sys/fs/cgroup', controller, 'docker', id), join('/sys/fs/cgroup', controller, 'system.slice', `docker-${id}.scope`)].find((d) =>
    existsSync(d),
  );

export const dockerInspector: WarmInspector = {
  async cpuMs() {
    let total = 0;
    for (const id of ourWarmContainers(false)) {
      const dir = containerDir('cpuacct', id);
      if (dir) total += Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) / 1e6;
    }
    return total;
  },
  async killAll() {
    return ourWarmContainers(false).reduce((n, id) => {
      const dir = containerDir('pids', id);
      return n + (dir ? killCgroup(dir) : 0);
    }, 0);
  },
  async leftovers() {
    return ourWarmContainers(true);
  },
};
