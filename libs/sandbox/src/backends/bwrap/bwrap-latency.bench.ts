import { spawnSync } from 'node:child_process';
import { DEFAULT_LIMITS_TABLE } from '../../limits';
import { rootfsInfo } from '../../rootfs/rootfs-info';
import { Language } from '../../run-spec';
import { SandboxExecutor } from '../../sandbox-executor';
import { BwrapBackend } from './bwrap-backend';

/**
 * p50 of trivial sequential runs through SandboxExecutor+BwrapBackend versus the same interpreter
 * of the same tree spawned bare (chroot, clean env). Ratios matter, absolute times drift.
 * Not a test; run as root with
 *   npx esbuild --bundle --platform=node --packages=external \
 *     libs/sandbox/src/backends/bwrap/bwrap-latency.bench.ts --outfile=.data/bwrap-bench.js && node .data/bwrap-bench.js
 */
const N = Number(process.env.BENCH_RUNS ?? 20);
const programs: Record<Language, [string, string[]]> = {
  python: ['print(1)', ['python3', '-c', 'print(1)']],
  javascript: ['console.log(1)', ['node', '-e', 'console.log(1)']],
  typescript: ['const n: number = 1; console.log(n)', ['node', '-e', 'console.log(1)']],
  bash: ['echo 1', ['bash', '-c', 'echo 1']],
};

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
  const executor = new SandboxExecutor({ backends: [new BwrapBackend()], backend: 'bwrap' });
  const root = rootfsInfo().dir;
  for (const [language, [code, bare]] of Object.entries(programs) as [Language, [string, string[]]][]) {
    await executor.run({ language, code, limits: DEFAULT_LIMITS_TABLE.defaults });
    const sandboxed: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      const r = await executor.run({ language, code, limits: DEFAULT_LIMITS_TABLE.defaults });
      sandboxed.push(performance.now() - t0);
      if (r.stdout !== '1\n') throw new Error(`${language}: unexpected output ${JSON.stringify(r)}`);
      const t1 = performance.now();
      spawnSync('chroot', [root, '/usr/bin/env', '-i', 'PATH=/usr/bin:/bin', 'HOME=/tmp', ...bare], { stdio: 'ignore' });
      baseline.push(performance.now() - t1);
    }
    const s = p50(sandboxed);
    const b = p50(baseline);
    console.log(`${language.padEnd(10)} sandbox p50 ${s.toFixed(1)} ms   bare p50 ${b.toFixed(1)} ms   ratio ${(s / b).toFixed(2)}`);
  }
})();
