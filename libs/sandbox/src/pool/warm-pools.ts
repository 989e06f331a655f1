import { PreparedRun } from '../backends/sandbox-backend';
import { Language, RunLimits } from '../run-spec';
import { RefillScheduler } from './refill-scheduler';
import { WarmPool, WarmPoolStats } from './warm-pool';
import { WARM_RUNTIMES, warmRuntimeOf } from './warm-runtime';
import { sameSandboxLimits, WarmCapable, WarmSandbox } from './warm-sandbox';

/** Warm sandboxes kept per language; 0 or absent: that language always runs cold. */
export type WarmPoolSizes = Partial<Record<Language, number>>;

/**
 * One backend's pools, one per runtime. The node pool serves javascript and the TypeScript that is
 * compiled before the sandbox, so it is sized for the larger of the two.
 */
export class WarmPools {
  private readonly pools = new Map<string, WarmPool>();

  constructor(
    source: WarmCapable,
    private readonly sizes: WarmPoolSizes,
    private readonly limits: RunLimits,
    private readonly scheduler: RefillScheduler,
    maxIdleMs: number,
  ) {
    for (const runtime of WARM_RUNTIMES) {
      const size = Math.max(
        0,
        ...Object.entries(sizes)
          .filter(([language]) => warmRuntimeOf(language as Language) === runtime || (runtime === 'node' && language === 'typescript'))
          .map(([, n]) => Math.floor(n ?? 0)),
      );
      if (size <= 0) continue;
      const pool = new WarmPool(runtime, size, source, limits, () => scheduler.kick(), maxIdleMs);
      this.pools.set(runtime, pool);
      scheduler.add(pool);
    }
  }

  get stats(): WarmPoolStats[] {
    return [...this.pools.values()].map((p) => p.stats);
  }

  /** A warm sandbox for this run, or undefined when it runs cold (pool off, other limits, none ready). */
  async acquire(run: PreparedRun): Promise<WarmSandbox | undefined> {
    if (!run.entry || !((this.sizes[run.entry.language] ?? 0) >= 1)) return undefined;
    if (!sameSandboxLimits(run.limits, this.limits)) return undefined;
    return this.pools.get(run.entry.runtime)?.acquire();
  }

  async settled(): Promise<void> {
    this.scheduler.kick();
    await Promise.all([...this.pools.values()].map((p) => p.settled()));
  }

  async close(): Promise<void> {
    for (const pool of this.pools.values()) this.scheduler.remove(pool);
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}
