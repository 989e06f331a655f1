import { Readable, Writable } from 'node:stream';
import { BwrapChild } from './bwrap-child';
import { CgroupRun } from './cgroups/cgroup-run';

/**
 * Reads bwrap's --info-fd, puts bwrap and its namespace init into the run's cgroup, then
 * writes the --block-fd so the command starts only once it is limited. Resolves with the
 * namespace init's pid (reported through `onPid` as soon as it is known, for kills).
 */
export function releaseIntoCgroup(
  child: BwrapChild,
  info: Readable,
  block: Writable,
  cgRun: CgroupRun,
  onPid: (nsInitPid: number) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    let done = false;
    info.on('data', (chunk: Buffer) => {
      if (done) return;
      text += chunk.toString('utf8');
      let parsed: { 'child-pid'?: unknown };
      try {
        parsed = JSON.parse(text);
      } catch {
        return;
      }
      done = true;
      const pid = parsed['child-pid'];
      if (typeof pid !== 'number' || child.pid === undefined) {
        reject(new Error(`bubblewrap reported no child pid: ${text.slice(0, 200)}`));
        return;
      }
      onPid(pid);
      Promise.all([cgRun.attach(child.pid), cgRun.attach(pid)]).then(
        () => {
          block.end('1');
          resolve(pid);
        },
        (err: Error) => reject(new Error(`cgroup attach failed: ${err.message}`)),
      );
    });
  });
}

/**
 * SIGKILL to bwrap and its namespace init, which takes every process of the namespace with it.
 * Through the child handle, a no-op once bwrap is reaped; the init (reaped by bwrap) only while
 * bwrap lives, so neither signal can reach a recycled pid.
 */
export function signalBwrap(child: BwrapChild, nsInitPid: number | undefined): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (nsInitPid !== undefined) {
    try {
      process.kill(nsInitPid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  child.kill('SIGKILL');
}

/** signalBwrap(), then SIGKILL rounds over the cgroup until it is empty (at most 1 s). */
export function killBwrap(child: BwrapChild, nsInitPid: number | undefined, cgRun: CgroupRun): void {
  signalBwrap(child, nsInitPid);
  void cgRun.killAll(1000);
}
