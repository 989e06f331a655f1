import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { constants } from 'node:os';
import { FastSpawnAddon } from './fast-spawn-addon';

export interface NativeSpawnOptions {
  /** One entry per child fd from 0: a socketpair (as child_process's 'pipe') or /dev/null. */
  stdio: ('pipe' | 'ignore')[];
  env: Record<string, string>;
  uid?: number;
  gid?: number;
  /** Soft and hard value alike; without them the child keeps this process's. */
  limits?: { core: number; fsize: number; nofile: number };
}

const signalName = (n: number | null): NodeJS.Signals | null =>
  n === null ? null : ((Object.entries(constants.signals).find(([, v]) => v === n)?.[0] as NodeJS.Signals) ?? null);

/**
 * What the bwrap backend uses of a ChildProcess (pid, stdio sockets, kill, 'exit' then 'close'),
 * for a child started by the fast-spawn addon. Every fd above the given stdio is closed in the
 * child, so nothing this process holds open can leak into a sandbox.
 */
export class NativeChild extends EventEmitter {
  readonly pid: number;
  readonly stdio: (Socket | null)[];
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  private closesNeeded = 1;

  constructor(addon: FastSpawnAddon, file: string, argv: string[], o: NativeSpawnOptions) {
    super();
    const c = addon.constants;
    const limits = o.limits
      ? [
          [c.RLIMIT_CORE, o.limits.core],
          [c.RLIMIT_FSIZE, o.limits.fsize],
          [c.RLIMIT_NOFILE, o.limits.nofile],
        ].flatMap(([resource, value]) => [resource, value, value])
      : [];
    const env = Object.entries(o.env).map(([k, v]) => `${k}=${v}`);
    const kinds = o.stdio.map((k) => (k === 'pipe' ? 1 : 0));
    // The exit callback comes from the event loop, never during spawn() itself; the next tick
    // takes it out of the addon's call, where a listener's exception would only be a warning.
    // When spawn() threw (the child failed before its execve) it still comes, and is dropped.
    const [pid, ...fds] = addon.spawn(file, argv, env, kinds, o.uid ?? -1, o.gid ?? -1, limits, (code, signal) => {
      if (!this.stdio) return;
      // Reaped already: from here on kill() must not signal that pid.
      this.exitCode = code;
      this.signalCode = signalName(signal);
      process.nextTick(() => this.onExit());
    });
    this.pid = pid;
    this.stdio = fds.map((fd, i) => {
      if (fd < 0) return null;
      const socket = new Socket({ fd, readable: i > 0, writable: true });
      if (i > 0) {
        this.closesNeeded++;
        socket.once('close', () => this.maybeClose());
      }
      return socket;
    });
  }

  get stdin(): Socket | null {
    return this.stdio[0] ?? null;
  }

  get stdout(): Socket | null {
    return this.stdio[1] ?? null;
  }

  get stderr(): Socket | null {
    return this.stdio[2] ?? null;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.exitCode !== null || this.signalCode !== null) return false;
    try {
      process.kill(this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  private onExit(): void {
    this.stdin?.destroy();
    this.emit('exit', this.exitCode, this.signalCode);
    // As child_process does: a stream nobody reads must still drain to its end, or 'close' never comes.
    process.nextTick(() => {
      for (const s of this.stdio.slice(1)) if (s?.readable) s.resume();
      this.maybeClose();
    });
  }

  private maybeClose(): void {
    if (--this.closesNeeded === 0) this.emit('close', this.exitCode, this.signalCode);
  }
}
