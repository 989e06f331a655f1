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

/** Times `fn` sequentially `n` times after `warmup` untimed calls, each `paceMs` after the previous one ended. */
export async function timeSequential(n: number, warmup: number, fn: () => Promise<void>, paceMs = 0): Promise<LatencyStats> {
  const pause = () => (paceMs > 0 ? new Promise((r) => setTimeout(r, paceMs)) : Promise.resolve());
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
}

/**
 * Rounds of steps; before each step `settle` resolves (e.g. every warm pool full again), then
 * the machine idles `paceMs`, then the step is timed; `warmup` untimed rounds first. Settling
 * before the pause, never right before the step, lets every step start from the same idle
 * machine, and interleaving makes a slow spell of a shared machine weigh on all of them alike.
 */
export async function timeInterleaved(
  rounds: number,
  warmup: number,
  steps: TimedStep[],
  paceMs: number,
  settle: () => Promise<void> = async () => undefined,
): Promise<Record<string, LatencyStats>> {
  const samples = new Map<string, number[]>(steps.map((s) => [s.name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (const step of steps) {
      await settle();
      if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs));
      const t0 = process.hrtime.bigint();
      await step.fn();
      if (round >= warmup) samples.get(step.name)!.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  return Object.fromEntries([...samples].map(([name, s]) => [name, summarize(s)]));
}
