import { WarmPool } from './warm-pool';

/**
 * Starts warm sandboxes for the pools that lack them, at most `maxParallel` at once and only
 * where `allowed(pool)` (e.g. while live runs do not saturate the machine). Event-driven: kick() after
 * anything that may change the answer; the only timer is a backoff after failed starts.
 */
export class RefillScheduler {
  private readonly pools = new Set<WarmPool>();
  private active = 0;
  private retryTimer?: NodeJS.Timeout;
  private pending?: NodeJS.Timeout;

  /** delayMs: how long after a kick to look; a run that starts meanwhile (allowed() false) defers it. */
  constructor(
    readonly maxParallel: number,
    private readonly allowed: (pool: WarmPool) => boolean,
    private readonly delayMs = 0,
  ) {}

  add(pool: WarmPool): void {
    this.pools.add(pool);
  }

  remove(pool: WarmPool): void {
    this.pools.delete(pool);
  }

  /**
   * Refills after delayMs, never synchronously: spawning a sandbox takes this process and a core
   * for a moment, and that must not sit between a run's result and its caller's response.
   */
  kick(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.startSome();
    }, this.delayMs);
  }

  private startSome(): void {
    while (this.active < this.maxParallel) {
      const pool = this.neediest(Date.now());
      if (!pool) break;
      this.active++;
      void pool.startOne().finally(() => {
        this.active--;
        this.kick();
      });
    }
    this.scheduleRetry();
  }

  private neediest(now: number): WarmPool | undefined {
    let best: WarmPool | undefined;
    for (const pool of this.pools) {
      if (pool.deficit <= 0 || pool.retryAt > now || !this.allowed(pool)) continue;
      if (!best || pool.deficit > best.deficit) best = pool;
    }
    return best;
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    const waiting = [...this.pools].filter((p) => p.deficit > 0 && p.retryAt > Date.now());
    if (waiting.length === 0) return;
    const at = Math.min(...waiting.map((p) => p.retryAt));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, Math.max(1, at - Date.now()));
    this.retryTimer.unref();
  }

  stop(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.pools.clear();
  }
}
