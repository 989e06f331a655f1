import type { Container } from 'dockerode';
import { RunLimits } from '../../run-spec';
import { ContainerRun } from './container-run';

export interface WarmContainer {
  container: Container;
  run: ContainerRun;
  key: string;
  startedAt: number;
}

export interface WarmContainerPoolOptions {
  size: number;
  /** Idle containers older than this are discarded instead of used (their launcher exits soon after). */
  maxIdleMs: number;
  spawn(limits: RunLimits, key: string): Promise<WarmContainer>;
  discard(warm: WarmContainer): Promise<void>;
}

const limitsKey = (l: RunLimits): string => `${l.memoryMb}/${l.pids}/${l.tmpfsMb}/${l.outputBytes}`;

/**
 * Keeps a few never-used containers started and waiting for a payload, for the limits of
 * the latest run (memory, pids, tmpfs and output caps are fixed at creation; the timeout
 * is not). A run with other limits gets none and retargets the pool. Every container
 * serves exactly one run: "warm" only moves create+start out of the request path.
 */
export class WarmContainerPool {
  private key?: string;
  private readonly idle: WarmContainer[] = [];
  /** Spawns in flight, each settling after its container was kept or discarded. */
  private readonly spawning = new Set<Promise<void>>();

  constructor(private readonly options: WarmContainerPoolOptions) {}

  take(limits: RunLimits): WarmContainer | undefined {
    const key = limitsKey(limits);
    if (key !== this.key) {
      this.key = key;
      this.idle.splice(0).forEach((warm) => void this.drop(warm));
    }
    let found: WarmContainer | undefined;
    while (!found && this.idle.length > 0) {
      const warm = this.idle.shift()!;
      if (warm.run.waiting && Date.now() - warm.startedAt < this.options.maxIdleMs) found = warm;
      else void this.drop(warm);
    }
    if (!found) this.refill(limits);
    return found;
  }

  /** Removes every idle container, including those still starting (shutdown, tests). */
  async drain(): Promise<void> {
    this.key = undefined;
    await Promise.all([...this.spawning]);
    await Promise.all(this.idle.splice(0).map((warm) => this.drop(warm)));
  }

  /**
   * Starts containers up to the pool size for these limits. Called after a warm run ends
   * rather than when it starts, so the refill's container start does not compete with it.
   */
  refill(limits: RunLimits): void {
    const key = limitsKey(limits);
    if (key !== this.key) return;
    while (this.idle.length + this.spawning.size < this.options.size) {
      const spawned: Promise<void> = this.options.spawn(limits, key).then(
        (warm) => (warm.key === this.key ? void this.idle.push(warm) : this.drop(warm)),
        // A failed spawn only means the next run takes the cold path.
        () => undefined,
      );
      this.spawning.add(spawned);
      void spawned.finally(() => this.spawning.delete(spawned));
    }
  }

  private drop(warm: WarmContainer): Promise<void> {
    warm.run.dispose();
    return this.options.discard(warm).catch(() => undefined);
  }
}
