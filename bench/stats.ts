export interface LatencyStats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(samplesMs: number[]): LatencyStats {
  const s = [...samplesMs].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    n: s.length,
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
  };
}

/**
 * Times `fn` sequentially `n` times after `warmup` untimed calls, `paceMs` apart and then
 * after `settle` has resolved (both untimed).
 */
export async function timeSequential(n: number, warmup: number, fn: () => Promise<void>, paceMs = 0, settle?: () => Promise<void>): Promise<LatencyStats> {
  const pause = async () => {
    if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs));
    await settle?.();
  };
  for (let i = 0; i < warmup; i++) {
    await fn();
    await pause();
  }
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await pause();
  }
  return summarize(samples);
}

export interface TimedStep {
  name: string;
  fn: () => Promise<void>;
  /** Untimed, after the pace and before the step (e.g. wait for a warm pool to refill). */
  settle?: () => Promise<void>;
}

/**
 * Rounds of steps, each step `paceMs` after the previous one ended and once its `settle` has
 * resolved; `warmup` untimed rounds first. Interleaved, the steps see the same machine over the
 * whole run, so a slow spell of a shared machine weighs on every one of them alike.
 */
export async function timeInterleaved(rounds: number, warmup: number, steps: TimedStep[], paceMs: number): Promise<Record<string, LatencyStats>> {
  const samples = new Map<string, number[]>(steps.map((s) => [s.name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (const step of steps) {
      if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs));
      await step.settle?.();
      const t0 = process.hrtime.bigint();
      await step.fn();
      if (round >= warmup) samples.get(step.name)!.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  return Object.fromEntries([...samples].map(([name, s]) => [name, summarize(s)]));
}
