import { Writable } from 'node:stream';
import { BwrapChild } from './bwrap-child';
import { BwrapStatus } from './bwrap-status';
import { CgroupRun } from './cgroups/cgroup-run';

/**
 * Once bwrap reports its namespace init's pid, puts bwrap and the init into the run's cgroup,
 * then writes the --block-fd so the command starts only once it is limited. Resolves with the
 * init's pid (reported through `onPid` as soon as it is known, for kills).
 */
export async function releaseIntoCgroup(
  child: BwrapChild,
  status: BwrapStatus,
  block: Writable,
  cgRun: CgroupRun,
  onPid: (nsInitPid: number) => void,
): Promise<number> {
  const pid = await status.childPid;
  if (child.pid === undefined) throw new Error('bubblewrap has no pid');
  onPid(pid);
  try {
    await Promise.all([cgRun.attach(child.pid), cgRun.attach(pid)]);
  } catch (err) {
    throw new Error(`cgroup attach failed: ${(err as Error).message}`);
  }
  block.end('1');
  return pid;
}

/**
 * SIGKILL to bwrap; --die-with-parent then takes its namespace init, and so every process of
 * the namespace, with it. Only through the child handle, a no-op once bwrap is reaped: the init
 * itself is not signalled by pid, since once bwrap has exited the host may have reaped it and
 * its pid may be recycled.
 */
export function signalBwrap(child: BwrapChild): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
}

/** signalBwrap(), then SIGKILL rounds over the cgroup until it is empty (at most 1 s). */
export function killBwrap(child: BwrapChild, cgRun: CgroupRun): void {
  signalBwrap(child);
  void cgRun.killAll(1000);
}
