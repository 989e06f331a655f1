import { Socket } from 'node:net';
import { withTimeout } from '../../../with-timeout';
import { Readable, Writable } from 'node:stream';
import { BwrapChild } from '../bwrap-child';
import { FD, ignoreErrors } from '../bwrap-fds';
import { BwrapExit } from '../bwrap-result';
import { BwrapStatus } from '../bwrap-status';
import { killBwrap, releaseIntoCgroup } from '../bwrap-startup';
import { CgroupRun } from '../cgroups/cgroup-run';
import { RunTeardown } from '../run-teardown';
import { seccompFilterBytes, zygoteSeccompFilterBytes } from '../seccomp-filter';
import { hostChildPid, onlyChildPid } from './host-child-pid';
import { SLOT_FDS, ZYGOTE_FD } from './python-zygote-program';

const MAX_REPORT_LINE = 256;
const KILLED: BwrapExit = { code: null, signal: 'SIGKILL' };

/** One forked child's end of things: its stdio and done pipe, host pid, and exit. */
export interface ZygoteChild {
  readonly slot: number;
  readonly hostPid: number;
  readonly stdin: Socket;
  readonly stdout: Socket;
  readonly stderr: Socket;
  readonly done: Socket;
  /** Resolves once the zygote reaped it (shell encoding: 128+N for signal N), or the zygote died. */
  readonly exited: Promise<BwrapExit>;
  /** True while hostPid is surely this child's: the zygote is alive and has not reaped it. */
  held(): boolean;
  /** Gives up waiting for its exit report (resolving `exited`); its zygote forks no more. */
  forget(): void;
}

interface Pending<T = ZygoteChild> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

/**
 * The host side of one zygote sandbox (see pythonZygoteSource): its bwrap, its cgroup, and the
 * line protocol on its fds 0 and 1. Each slot is used once; the zygote is retired (bwrap killed,
 * cgroup removed) once no slot is left and its last child has exited, or on retire().
 * Killing its bwrap kills every child, since they all live in its pid namespace.
 */
export class PythonZygote {
  private nextSlot = 0;
  private readonly forks = new Map<number, Pending>();
  /** Host pids of children handed out and not reaped yet, and by slot. */
  private readonly mapped = new Set<number>();
  private readonly hostPids = new Map<number, number>();
  /** Forks given up on (timed out) whose report may still come. */
  private readonly abandoned = new Set<number>();
  private readonly exits = new Map<number, (exit: BwrapExit) => void>();
  private reports = '';
  private hostPid?: number;
  private readyWaiter?: Pending<void>;
  private dead = false;
  private retired?: Promise<void>;
  private readonly gone: Promise<void>;

  private constructor(
    private readonly child: BwrapChild,
    private readonly cgRun: CgroupRun,
    private readonly teardown: RunTeardown,
    readonly slots: number,
    private readonly timeoutMs: number,
  ) {
    const pipes = child.stdio as unknown as (Readable & Writable)[];
    pipes.forEach((s) => ignoreErrors(s));
    this.gone = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    void this.gone.then(() => this.onDeath());
  }

  /** Resolves once the zygote is loaded and waiting for forks; on any failure nothing of it is left. */
  static async start(child: BwrapChild, cgRun: CgroupRun, teardown: RunTeardown, slots: number, timeoutMs: number): Promise<PythonZygote> {
    const zygote = new PythonZygote(child, cgRun, teardown, slots, timeoutMs);
    try {
      await zygote.becomeReady(timeoutMs);
    } catch (err) {
      await zygote.retire();
      throw err;
    }
    return zygote;
  }

  get freeSlots(): number {
    return this.dead ? 0 : this.slots - this.nextSlot;
  }

  get liveChildren(): number {
    return this.exits.size + this.forks.size + this.abandoned.size;
  }

  private async becomeReady(timeoutMs: number): Promise<void> {
    const pipes = this.child.stdio as unknown as (Readable & Writable)[];
    const own = zygoteSeccompFilterBytes();
    const size = Buffer.alloc(4);
    size.writeUInt32LE(own.length);
    pipes[ZYGOTE_FD.filter].end(Buffer.concat([size, own, seccompFilterBytes()]));
    let stderr = '';
    this.child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(0, 2000)));
    const ready = new Promise<void>((resolve, reject) => {
      this.readyWaiter = { resolve, reject };
      this.child.stdout!.on('data', (c: Buffer) => this.onReports(c));
    });
    let initPid = 0;
    const released = releaseIntoCgroup(this.child, new BwrapStatus(pipes[FD.status]), pipes[FD.block], this.cgRun, (pid) => (initPid = pid));
    try {
      await withTimeout(Promise.all([released, ready]), timeoutMs, `no readiness report within ${timeoutMs} ms`);
    } catch (err) {
      throw new Error(`python zygote did not start: ${(err as Error).message} ${stderr.trim()}`.trim());
    }
    this.hostPid = onlyChildPid(initPid);
    if (this.hostPid === undefined) throw new Error('python zygote did not start: its process was not found');
  }

  /** Forks the next slot's child; it waits for `G` on its stdin before it does anything else. */
  fork(): Promise<ZygoteChild> {
    if (this.freeSlots <= 0) return Promise.reject(new Error('python zygote has no slot left'));
    const slot = this.nextSlot++;
    const forked = new Promise<ZygoteChild>((resolve, reject) => this.forks.set(slot, { resolve, reject }));
    this.child.stdin!.write('F');
    // A zygote that does not answer forks no more; it retires once the children it has are gone.
    const timer = setTimeout(() => {
      const pending = this.forks.get(slot);
      if (!pending) return;
      pending.reject(new Error(`python zygote did not fork within ${this.timeoutMs} ms`));
      this.forks.delete(slot);
      this.abandoned.add(slot);
      this.stopForking();
    }, this.timeoutMs);
    return forked.finally(() => clearTimeout(timer));
  }

  /** No more forks; retired as soon as no child of it is alive. */
  stopForking(): void {
    this.nextSlot = this.slots;
    this.retireWhenSpent();
  }

  /** Resolves once the zygote has exited and its cgroup is gone. */
  whenRetired(): Promise<void> {
    return this.gone.then(() => this.retire());
  }

  /** Kills the zygote (and so any child left) and removes its cgroup; once. */
  retire(): Promise<void> {
    this.retired ??= (async () => {
      this.dead = true;
      killBwrap(this.child, this.cgRun);
      await this.gone;
      await this.teardown.finish(this.cgRun, undefined);
      for (const socket of this.child.stdio) socket?.destroy();
    })();
    return this.retired;
  }

  private onReports(chunk: Buffer): void {
    this.reports += chunk.toString('latin1');
    for (let nl = this.reports.indexOf('\n'); nl >= 0; nl = this.reports.indexOf('\n')) {
      const line = this.reports.slice(0, nl);
      this.reports = this.reports.slice(nl + 1);
      this.onReport(line);
    }
    if (this.reports.length > MAX_REPORT_LINE) this.fail('python zygote wrote an unexpected report');
  }

  private onReport(line: string): void {
    const [kind, a, b] = line.split(' ');
    const slot = Number(a);
    const awaited = this.forks.has(slot) || this.abandoned.has(slot);
    if (kind === 'R' && this.readyWaiter) {
      this.readyWaiter.resolve();
      this.readyWaiter = undefined;
    } else if (kind === 'P' && awaited) {
      this.onForked(slot, Number(b));
    } else if (kind === 'E' && awaited) {
      this.forks.get(slot)?.reject(new Error(`python zygote could not fork (errno ${b})`));
      this.forks.delete(slot);
      this.abandoned.delete(slot);
      this.retireWhenSpent();
    } else if (kind === 'X' && this.exits.has(slot)) {
      const status = Number(b);
      this.exits.get(slot)!(status >= 0 ? { code: status, signal: null } : KILLED);
      this.exits.delete(slot);
      this.mapped.delete(this.hostPids.get(slot)!);
      this.hostPids.delete(slot);
      this.retireWhenSpent();
    } else {
      this.fail(`python zygote wrote an unexpected report: ${JSON.stringify(line.slice(0, 100))}`);
    }
  }

  private onForked(slot: number, nsPid: number): void {
    const exited = new Promise<BwrapExit>((resolve) => this.exits.set(slot, resolve));
    const sockets = Array.from({ length: SLOT_FDS }, (_, i) => this.child.stdio[ZYGOTE_FD.firstSlot + slot * SLOT_FDS + i] as Socket);
    if (this.abandoned.delete(slot)) {
      // Nobody waits for it: its stdin closes before `G`, so it exits without setting anything up.
      sockets.forEach((s) => s.destroy());
      return;
    }
    const pending = this.forks.get(slot)!;
    this.forks.delete(slot);
    const hostPid = this.hostPid === undefined ? undefined : hostChildPid(this.hostPid, nsPid, this.mapped);
    const [stdin, stdout, stderr, done] = sockets;
    if (hostPid === undefined) {
      sockets.forEach((s) => s.destroy());
      pending.reject(new Error(`forked child ${slot} was not found on the host`));
      return;
    }
    this.mapped.add(hostPid);
    this.hostPids.set(slot, hostPid);
    pending.resolve({
      slot,
      hostPid,
      stdin,
      stdout,
      stderr,
      done,
      exited,
      held: () => !this.dead && this.exits.has(slot),
      forget: () => this.forget(slot),
    });
  }

  /** A child whose exit report never came although its cgroup is empty: the zygote forks no more. */
  private forget(slot: number): void {
    this.exits.get(slot)?.(KILLED);
    this.exits.delete(slot);
    this.stopForking();
  }

  private retireWhenSpent(): void {
    if (this.freeSlots === 0 && this.liveChildren === 0) void this.retire();
  }

  private fail(reason: string): void {
    if (!this.dead) void this.retire();
    this.readyWaiter?.reject(new Error(reason));
    this.readyWaiter = undefined;
    for (const pending of this.forks.values()) pending.reject(new Error(reason));
    this.forks.clear();
  }

  private onDeath(): void {
    this.dead = true;
    this.fail('python zygote exited');
    for (const exit of this.exits.values()) exit(KILLED);
    this.exits.clear();
    void this.retire();
  }
}
