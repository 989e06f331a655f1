import { readText, readCgroupLayout } from './cgroup-fs';
import { CgroupManager } from './cgroup-run';
import { CgroupV1Manager } from './cgroup-v1-manager';
import { CgroupV2Manager } from './cgroup-v2-manager';
import { join } from 'node:path';

/**
 * v2 when its hierarchy carries memory and pids for us, else v1 (hybrid hosts), else none.
 * SANDBOX_CGROUP_V2_PARENT names a delegated v2 cgroup to create run cgroups under, for hosts
 * where this process sits in a cgroup that cannot enable controllers (no internal processes rule).
 */
export function detectCgroups(): Promise<CgroupManager | string> {
  // One manager per process: every backend instance shares the same subtree.
  return (detected ??= detect());
}

let detected: Promise<CgroupManager | string> | undefined;

async function detect(): Promise<CgroupManager | string> {
  const delegated = process.env.SANDBOX_CGROUP_V2_PARENT;
  if (delegated) return new CgroupV2Manager({ mountPoint: delegated, path: '/' });
  let layout;
  try {
    layout = readCgroupLayout();
  } catch (err) {
    return `cannot read cgroup layout: ${(err as Error).message}`;
  }
  if (layout.v2) {
    const controllers = (await readText(join(layout.v2.mountPoint, layout.v2.path, 'cgroup.controllers'))) ?? '';
    if (/\bmemory\b/.test(controllers) && /\bpids\b/.test(controllers)) return new CgroupV2Manager(layout.v2);
  }
  if (layout.v1.has('memory') && layout.v1.has('pids')) return new CgroupV1Manager(layout.v1);
  return 'no cgroup hierarchy with the memory and pids controllers is available';
}
