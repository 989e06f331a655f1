import { readFile } from 'node:fs/promises';

/**
 * The host pid of the child of `parent` (a host pid) whose pid in the parent's own namespace
 * is `nsPid`: the last NSpid entry of its /proc status. Undefined when there is none (gone).
 */
export async function hostChildPid(parent: number, nsPid: number): Promise<number | undefined> {
  const children = await readFile(`/proc/${parent}/task/${parent}/children`, 'utf8').catch(() => '');
  for (const pid of children.split(' ').filter(Boolean).map(Number)) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const nspids = /^NSpid:\s+(.*)$/m.exec(status)?.[1].trim().split(/\s+/).map(Number);
    if (nspids && nspids[nspids.length - 1] === nsPid) return pid;
  }
  return undefined;
}

/** The only child of `parent` (bwrap's namespace init has exactly one: its command). */
export async function onlyChildPid(parent: number): Promise<number | undefined> {
  const children = (await readFile(`/proc/${parent}/task/${parent}/children`, 'utf8').catch(() => '')).split(' ').filter(Boolean);
  return children.length === 1 ? Number(children[0]) : undefined;
}
