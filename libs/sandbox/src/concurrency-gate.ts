import { SandboxError, SandboxErrorCode } from './sandbox-error';

/** At most `limit` holders at once and at most `maxQueue` waiters; beyond that, fail at once. */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly maxQueue: number,
  ) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** Runs `task` in a slot, which stays taken until the `settled` it returns (if any) has settled. */
  async run<T>(task: () => Promise<{ value: T; settled?: Promise<unknown> }>): Promise<T> {
    await this.acquire();
    let done: { value: T; settled?: Promise<unknown> };
    try {
      done = await task();
    } catch (err) {
      this.release();
      throw err;
    }
    if (done.settled) void done.settled.then(() => this.release(), () => this.release());
    else this.release();
    return done.value;
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    if (this.waiters.length >= this.maxQueue) {
      return Promise.reject(
        new SandboxError(
          SandboxErrorCode.Capacity,
          `sandbox busy: ${this.active} runs in progress and ${this.waiters.length} queued; retry later`,
        ),
      );
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }
}
