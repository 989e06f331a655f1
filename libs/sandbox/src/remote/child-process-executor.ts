import { availableParallelism } from 'node:os';
import { Executor } from '../executor';
import { WarmPoolStats } from '../pool/warm-pool';
import { addWarmUsage, noWarmUsage, WarmUsage } from '../pool/warm-usage';
import { BackendHealth, RunResult, RunSpec, RuntimeInfo } from '../run-spec';
import { SandboxError, SandboxErrorCode } from '../sandbox-error';
import { RunnerConnection } from './runner-connection';
import { assertRunnerEntry, runnerEntryPath } from './runner-entry';
import { runnerEnv } from './runner-env';
import { RunnerOptions } from './runner-options';
import { RunnerOp, RunnerStats } from './runner-protocol';

export interface ChildProcessExecutorOptions {
  /** What the runner builds its SandboxExecutor from. */
  runner: RunnerOptions;
  /** Compiled runner entry; default `<project>/dist/apps/runner/src/main.js`. */
  entry?: string;
  /** The runner's whole environment; default runnerEnv(process.env): PATH and a few SANDBOX_* settings. */
  env?: Record<string, string>;
  /** Default 15 s. */
  startTimeoutMs?: number;
  /** Added to every request's bound (a run's: its timeout plus the runs queued ahead of it). Default 30 s. */
  marginMs?: number;
}

const BOUND_MS: Record<Exclude<RunnerOp['op'], 'run'>, number> = {
  health: 20_000,
  runtimes: 120_000,
  warmUp: 300_000,
  close: 120_000,
};
const STOP_GRACE_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The Executor, hosted in a lean forked process (the runner): spawning sandboxes blocks the
 * spawning process for ~1 ms per 46 MB of its RSS, which the big gateway must not pay.
 * A dead runner fails its in-flight requests with `internal` and is started again.
 */
export class ChildProcessExecutor implements Executor {
  private connection?: RunnerConnection;
  private stats: RunnerStats = { warmStats: [], warmUsage: noWarmUsage() };
  private usageOfDeadRunners: WarmUsage = noWarmUsage();
  private readonly entry: string;
  private readonly env: Record<string, string>;
  private readonly marginMs: number;
  private readonly concurrency: number;
  private readonly inFlightRunMs = new Map<number, number>();
  private nextRun = 0;
  private warmRequested = false;
  private closed = false;
  private crashes: number[] = [];
  private restartTimer?: NodeJS.Timeout;

  constructor(private readonly options: ChildProcessExecutorOptions) {
    this.entry = options.entry ?? runnerEntryPath();
    this.env = options.env ?? runnerEnv();
    this.marginMs = options.marginMs ?? 30_000;
    this.concurrency = Math.max(1, options.runner.maxConcurrency ?? availableParallelism());
  }

  /** The current runner's pid (undefined when none runs). */
  get runnerPid(): number | undefined {
    return this.connection?.pid;
  }

  /** As reported with the runner's latest reply (every reply carries them). */
  get warmStats(): WarmPoolStats[] {
    return this.stats.warmStats;
  }

  get warmUsage(): WarmUsage {
    return addWarmUsage(this.usageOfDeadRunners, this.stats.warmUsage);
  }

  async run(spec: RunSpec): Promise<RunResult> {
    // Runs queued ahead may each take their whole timeout, `concurrency` at a time.
    const ahead = [...this.inFlightRunMs.values()].reduce((sum, ms) => sum + ms, 0) / this.concurrency;
    const own = (Number.isFinite(spec.limits?.timeoutMs) ? spec.limits.timeoutMs : 0) + this.marginMs;
    const key = this.nextRun++;
    this.inFlightRunMs.set(key, own);
    try {
      return await this.call<RunResult>({ op: 'run', spec }, Math.ceil(ahead + own));
    } finally {
      this.inFlightRunMs.delete(key);
    }
  }

  runtimes(): Promise<RuntimeInfo[]> {
    return this.call({ op: 'runtimes' }, BOUND_MS.runtimes);
  }

  async health(): Promise<BackendHealth> {
    try {
      return await this.call<BackendHealth>({ op: 'health' }, BOUND_MS.health);
    } catch (err) {
      return { backend: this.options.runner.backend ?? 'auto', ready: false, reason: (err as Error).message };
    }
  }

  /** Starts the runner, which selects its backend and fills its warm pools; restarted runners do so again. */
  async warmUp(): Promise<void> {
    this.warmRequested = true;
    await this.call<void>({ op: 'warmUp' }, BOUND_MS.warmUp);
  }

  /** Closes the runner's executor (runs in progress finish) and ends the runner; later calls fail `unavailable`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.restartTimer);
    const connection = this.connection;
    if (!connection) return;
    try {
      await connection.request({ op: 'close' }, BOUND_MS.close);
    } catch {
      // stop() below still ends it
    }
    await connection.stop(STOP_GRACE_MS);
  }

  private async call<T>(op: RunnerOp, boundMs: number): Promise<T> {
    return this.runner().request<T>(op, boundMs);
  }

  private runner(): RunnerConnection {
    if (this.closed) throw new SandboxError(SandboxErrorCode.Unavailable, 'sandbox executor is closed');
    if (this.connection?.alive) return this.connection;
    clearTimeout(this.restartTimer);
    assertRunnerEntry(this.entry);
    const connection = new RunnerConnection({
      entry: this.entry,
      options: this.options.runner,
      env: this.env,
      startTimeoutMs: this.options.startTimeoutMs ?? 15_000,
      onStats: (stats) => {
        if (this.connection === connection) this.stats = stats;
      },
      onExit: () => this.onRunnerExit(connection),
    });
    this.connection = connection;
    return connection;
  }

  private onRunnerExit(connection: RunnerConnection): void {
    if (this.connection !== connection) return;
    this.usageOfDeadRunners = this.warmUsage;
    this.stats = { warmStats: [], warmUsage: noWarmUsage() };
    this.connection = undefined;
    if (this.closed || !this.warmRequested) return;
    // Refill the pools in a new runner; back off when runners keep dying.
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < 60_000), now];
    const delay = Math.min(MAX_RESTART_DELAY_MS, 250 * 2 ** (this.crashes.length - 1));
    this.restartTimer = setTimeout(() => {
      if (this.closed || this.connection?.alive) return;
      this.warmUp().catch(() => undefined);
    }, delay);
    this.restartTimer.unref();
  }
}
