import { spawnSync } from 'node:child_process';
import { DEFAULT_LIMITS_TABLE } from '../../limits';
import { rootfsInfo } from '../../rootfs/rootfs-info';
import { Language } from '../../run-spec';
import { SandboxExecutor } from '../../sandbox-executor';
import { BwrapBackend } from './bwrap-backend';

/**
 * p50 of trivial sequential runs through SandboxExecutor+BwrapBackend, cold and from warm
 * pools (refilled between runs, untimed), versus the same interpreter of the same tree
 * spawned bare (chroot, clean env); then Python runs/s at concurrency 8, cold and warm.
 * Ratios matter, absolute times drift. Not a test; run as root with
 *   npx esbuild --bundle --platform=node --packages=external \
 *     libs/sandbox/src/backends/bwrap/bwrap-latency.bench.ts --outfile=.data/bwrap-bench.js && node .data/bwrap-bench.js
 * BENCH_RUNS (default 20), BENCH_SECONDS (throughput, default 10; 0 skips it).
 */
const N = Number(process.env.BENCH_RUNS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARM = { python: 2, javascript: 2, typescript: 2, bash: 2 };
const programs: Record<Language, [string, string[]]> = {
  python: ['print(1)', ['python3', '-c', 'print(1)']],
  javascript: ['console.log(1)', ['node', '-e', 'console.log(1)']],
  typescript: ['const n: number = 1; console.log(n)', ['node', '-e', 'console.log(1)']],
  bash: ['echo 1', ['bash', '-c', 'echo 1']],
};
const limits = DEFAULT_LIMITS_TABLE.defaults;

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timedRun(executor: SandboxExecutor, language: Language, code: string): Promise<number> {
  const t0 = performance.now();
  const r = await executor.run({ language, code, limits });
  const ms = performance.now() - t0;
  if (r.stdout !== '1\n') throw new Error(`${language}: unexpected output ${JSON.stringify(r)}`);
  return ms;
}

async function throughput(executor: SandboxExecutor, concurrency: number, seconds: number): Promise<{ perSecond: number; errors: number }> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        try {
          const r = await executor.run({ language: 'python', code: 'print(1)', limits });
          if (r.stdout === '1\n') done++;
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { perSecond: done / seconds, errors };
}

(async () => {
  const cold = new SandboxExecutor({ backends: [new BwrapBackend()], backend: 'bwrap' });
  const warm = new SandboxExecutor({ backends: [new BwrapBackend()], backend: 'bwrap', warm: WARM });
  await warm.warmUp();
  const root = rootfsInfo().dir;
  for (const [language, [code, bare]] of Object.entries(programs) as [Language, [string, string[]]][]) {
    await timedRun(cold, language, code);
    const coldMs: number[] = [];
    const warmMs: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < N; i++) {
      coldMs.push(await timedRun(cold, language, code));
      await warm.warmUp();
      warmMs.push(await timedRun(warm, language, code));
      const t1 = performance.now();
      spawnSync('chroot', [root, '/usr/bin/env', '-i', 'PATH=/usr/bin:/bin', 'HOME=/tmp', ...bare], { stdio: 'ignore' });
      baseline.push(performance.now() - t1);
    }
    const [c, w, b] = [p50(coldMs), p50(warmMs), p50(baseline)];
    console.log(
      `${language.padEnd(10)} cold p50 ${c.toFixed(1)} ms (${(c / b).toFixed(2)}x)   warm p50 ${w.toFixed(1)} ms (${(w / b).toFixed(2)}x)   bare p50 ${b.toFixed(1)} ms`,
    );
  }
  console.log('warm usage', warm.warmUsage);
  const busy = new SandboxExecutor({ backends: [new BwrapBackend()], backend: 'bwrap', warm: WARM, warmRefillWhileBusy: true });
  if (SECONDS > 0) {
    await busy.warmUp();
    for (const [name, executor] of [
      ['cold', cold],
      ['warm', warm],
      ['warm, refill while busy', busy],
    ] as const) {
      const t = await throughput(executor, 8, SECONDS);
      console.log(`python at concurrency 8 for ${SECONDS} s, ${name}: ${t.perSecond.toFixed(1)} runs/s, ${t.errors} errors, usage ${JSON.stringify(executor.warmUsage)}`);
    }
  }
  await Promise.all([cold.close(), warm.close(), busy.close()]);
})();
