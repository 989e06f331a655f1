import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { removeCgroupDir } from './cgroup-fs';

export const SUBTREE_PREFIX = 'sandbox-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes empty subtrees left by a dead process of ours (named sandbox-<pid>); never others. */
export async function removeStaleSubtrees(parent: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${SUBTREE_PREFIX}(\\d+)$`).exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    const dir = join(parent, name);
    try {
      for (const child of await readdir(dir, { withFileTypes: true })) {
        if (child.isDirectory() && child.name.startsWith('run-')) await removeCgroupDir(join(dir, child.name));
      }
      await removeCgroupDir(dir);
    } catch {
      // still populated: leave it for a later start
    }
  }
}
