import { ChildProcess, fork } from 'node:child_process';
import { SandboxError, SandboxErrorCode } from '../sandbox-error';
import { RunnerOptions } from './runner-options';
import { fromWireError, isRunnerReply, RunnerOp, RunnerReply, RunnerRequest, RunnerStats } from './runner-protocol';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export interface RunnerConnectionOptions {
  entry: string;
  options: RunnerOptions;
  env: Record<string, string>;
  startTimeoutMs: number;
  onStats(stats: RunnerStats): void;
  /** Called once when the process is gone, expectedly or not. */
  onExit(connection: RunnerConnection, reason: string): void;
}

/** One forked runner process: requests correlated by id, each with a bound; all fail if it dies. */
export class RunnerConnection {
  readonly ready: Promise<void>;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;
  private readonly exitedPromise: Promise<void>;

  constructor(private readonly o: RunnerConnectionOptions) {
    this.child = fork(o.entry, [JSON.stringify(o.options)], {
      env: o.env,
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let markExited!: () => void;
    this.exitedPromise = new Promise<void>((r) => (markExited = r));
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new SandboxError(SandboxErrorCode.Unavailable, `sandbox runner did not start within ${o.startTimeoutMs} ms`));
        this.kill();
      }, o.startTimeoutMs);
      this.child.on('message', (m: unknown) => {
        if (isRunnerReply(m)) return this.settle(m);
        if ((m as { ready?: unknown })?.ready === true) {
          clearTimeout(timer);
          resolve();
        }
      });
      const gone = (reason: string) => {
        if (this.exited) return;
        this.exited = true;
        clearTimeout(timer);
        reject(new SandboxError(SandboxErrorCode.Unavailable, `sandbox runner ${reason} before it was ready`));
        this.failAll(reason);
        markExited();
        o.onExit(this, reason);
      };
      this.child.on('exit', (code, signal) => gone(`exited (${signal ?? `code ${code}`})`));
      this.child.on('error', (err) => {
        if (this.child.pid === undefined) gone(`could not start: ${err.message}`);
      });
    });
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.exited ? undefined : this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  async request<T>(op: RunnerOp, boundMs: number): Promise<T> {
    await this.ready;
    if (this.exited) throw new SandboxError(SandboxErrorCode.Internal, 'sandbox runner is gone');
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SandboxError(SandboxErrorCode.Internal, `sandbox runner did not answer ${op.op} within ${boundMs} ms`));
        // A runner that misses so generous a bound is wedged; its other requests would hang too.
        if (op.op === 'run') this.kill();
      }, boundMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const message: RunnerRequest = { ...op, id };
      this.child.send(message, (err) => {
        if (err) this.settleError(id, new SandboxError(SandboxErrorCode.Internal, `sandbox runner unreachable: ${err.message}`));
      });
    });
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Closes the channel (the runner then shuts down and exits); SIGKILL if it has not exited within graceMs. */
  async stop(graceMs: number): Promise<void> {
    if (this.exited) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exitedPromise;
    clearTimeout(timer);
  }

  private settle(reply: RunnerReply): void {
    this.o.onStats(reply.stats);
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.ok) p.resolve(reply.value);
    else p.reject(fromWireError(reply.error));
  }

  private settleError(id: number, err: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.reject(err);
  }

  private failAll(reason: string): void {
    for (const id of [...this.pending.keys()]) {
      this.settleError(id, new SandboxError(SandboxErrorCode.Internal, `sandbox runner ${reason} while the request was in progress`));
    }
  }
}
