import { RunLimits } from '../run-spec';
import { WarmRuntime } from './warm-runtime';
import { WarmCapable, WarmSandbox } from './warm-sandbox';
import { WarmUrgency } from './warm-urgency';

const MAX_BACKOFF_MS = 30_000;

export interface WarmPoolStats {
  runtime: WarmRuntime;
  size: number;
  idle: number;
  starting: number;
  failures: number;
  lastError?: string;
}

/**
 * Up to `size` warm sandboxes of one runtime, all with the same creation-time limits. Each is
 * handed out once; refills are started by a RefillScheduler (startOne), never on a timer.
 */
export class WarmPool {
  private readonly idle: WarmSandbox[] = [];
  private readonly idleTimers = new Map<WarmSandbox, NodeJS.Timeout>();
  private readonly waiters: ((sandbox: WarmSandbox | undefined) => void)[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** One per start still in progress, oldest first. */
  private readonly urgencies: WarmUrgency[] = [];
  private readonly destroying = new Set<Promise<void>>();
  private readonly settledListeners: (() => void)[] = [];
  private starting = 0;
  private failures = 0;
  private lastError?: string;
  private closed = false;
  /** Not before this (ms epoch) after failed starts: a broken runtime must not spin the CPU. */
  retryAt = 0;

  constructor(
    readonly runtime: WarmRuntime,
    readonly size: number,
    private readonly source: WarmCapable,
    readonly limits: RunLimits,
    private readonly changed: () => void,
    private readonly maxIdleMs: number,
  ) {}

  /** Refilled while runs are live: a warm start costs less than the cold run it spares. */
  get refillsWhileBusy(): boolean {
    return this.source.warmIsCheap?.(this.runtime) ?? false;
  }

  /** Sandboxes still to start: free slots plus runs waiting for one. */
  get deficit(): number {
    if (this.closed) return 0;
    return this.size + this.waiters.length - this.idle.length - this.starting;
  }

  get stats(): WarmPoolStats {
    const s: WarmPoolStats = { runtime: this.runtime, size: this.size, idle: this.idle.length, starting: this.starting, failures: this.failures };
    if (this.lastError) s.lastError = this.lastError;
    return s;
  }

  /**
   * A live idle sandbox, else the next one being started when one is not yet promised to
   * another run (it is ready sooner than a cold start would be), else, where a warm start is
   * cheap, one started for this run; else undefined: go cold.
   */
  acquire(): Promise<WarmSandbox | undefined> {
    try {
      while (this.idle.length > 0) {
        const sandbox = this.idle.shift()!;
        this.forget(sandbox);
        if (sandbox.alive) return Promise.resolve(sandbox);
        this.destroy(sandbox);
      }
      if (this.closed) return Promise.resolve(undefined);
      if (this.starting <= this.waiters.length) {
        // None to wait for: a cheap one is started for this run, rather than a cold run.
        if (!this.refillsWhileBusy || this.retryAt > Date.now()) return Promise.resolve(undefined);
        void this.startOne();
      }
      this.urgencies.find((u) => !u.isUrgent)?.raise();
      return new Promise((resolve) => this.waiters.push(resolve));
    } finally {
      this.changed();
    }
  }

  startOne(): Promise<void> {
    this.starting++;
    const urgency = new WarmUrgency();
    this.urgencies.push(urgency);
    const task = this.source.startWarm(this.runtime, this.limits, urgency).then(
      (sandbox) => {
        this.starting--;
        this.failures = 0;
        this.retryAt = 0;
        this.add(sandbox);
      },
      (err: Error) => {
        this.starting--;
        this.failures++;
        this.lastError = err?.message ?? String(err);
        this.retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, 100 * 2 ** (this.failures - 1));
        while (this.waiters.length > this.starting) this.waiters.shift()!(undefined);
      },
    );
    const tracked = task.finally(() => {
      this.urgencies.splice(this.urgencies.indexOf(urgency), 1);
      this.inFlight.delete(tracked);
      this.notifySettled();
    });
    this.inFlight.add(tracked);
    return tracked;
  }

  /** Resolves once the pool is full or a start failed (then runs go cold meanwhile). */
  settled(): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    return new Promise((resolve) => this.settledListeners.push(resolve));
  }

  /** Destroys the idle sandboxes and any still starting; nothing of the pool is left after. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
    const idle = this.idle.splice(0);
    idle.forEach((s) => this.forget(s));
    idle.forEach((s) => this.destroy(s));
    await Promise.all(this.inFlight);
    await Promise.all(this.destroying);
    this.notifySettled();
  }

  private add(sandbox: WarmSandbox): void {
    if (this.closed || !sandbox.alive) {
      this.destroy(sandbox);
      while (this.waiters.length > this.starting) this.waiters.shift()!(undefined);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(sandbox);
      return;
    }
    this.idle.push(sandbox);
    sandbox.onDeath(() => this.discard(sandbox));
    // Recycled before it gets old: nothing waits indefinitely (e.g. for a leftover sweep).
    const timer = setTimeout(() => this.discard(sandbox), this.maxIdleMs);
    timer.unref();
    this.idleTimers.set(sandbox, timer);
  }

  private discard(sandbox: WarmSandbox): void {
    const i = this.idle.indexOf(sandbox);
    if (i < 0) return;
    this.idle.splice(i, 1);
    this.forget(sandbox);
    this.destroy(sandbox);
    this.changed();
  }

  /** Tracked, so close() resolves only once nothing of any sandbox is left. */
  private destroy(sandbox: WarmSandbox): void {
    const done: Promise<void> = sandbox
      .destroy()
      .catch(() => undefined)
      .finally(() => this.destroying.delete(done));
    this.destroying.add(done);
  }

  private forget(sandbox: WarmSandbox): void {
    clearTimeout(this.idleTimers.get(sandbox));
    this.idleTimers.delete(sandbox);
  }

  private isSettled(): boolean {
    return this.closed || this.idle.length >= this.size || (this.failures > 0 && this.starting === 0);
  }

  private notifySettled(): void {
    if (!this.isSettled()) return;
    for (const listener of this.settledListeners.splice(0)) listener();
  }
}
