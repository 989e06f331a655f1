import { readFileSync } from 'node:fs';

// Synchronous: /proc reads never wait on a disk, and each costs less than a thread-pool hop.
const read = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};
const childrenOf = (pid: number): number[] => read(`/proc/${pid}/task/${pid}/children`).split(' ').filter(Boolean).map(Number);
const nsPids = (pid: number): number[] | undefined => /^NSpid:\s+(.*)$/m.exec(read(`/proc/${pid}/status`))?.[1].trim().split(/\s+/).map(Number);

/**
 * The host pid of the child of `parent` (a host pid) whose pid in the parent's own namespace is
 * `nsPid` (its NSpid entry at the parent's depth). `known` children are not looked at: a fork's
 * child is found among the few not yet mapped. Undefined when there is none (gone).
 */
export function hostChildPid(parent: number, nsPid: number, known: ReadonlySet<number>): number | undefined {
  const depth = (nsPids(parent)?.length ?? 0) - 1;
  if (depth < 0) return undefined;
  for (const pid of childrenOf(parent)) {
    if (known.has(pid)) continue;
    if (nsPids(pid)?.[depth] === nsPid) return pid;
  }
  return undefined;
}

/** The only child of `parent` (bwrap's namespace init has exactly one: its command). */
export function onlyChildPid(parent: number): number | undefined {
  const children = childrenOf(parent);
  return children.length === 1 ? children[0] : undefined;
}
