/**
 * Sequential latency of trivial runs per language: DockerBackend.execute versus
 * `docker run --rm` of the same image and a bare host spawn with a clean env (the
 * SPEC's baseline). Ratios matter, absolute times drift. Not a test; run with
 *   npx esbuild --bundle --platform=node --packages=external \
 *     libs/sandbox/src/backends/docker/docker-latency.bench.ts --outfile=/tmp/docker-bench.js && node /tmp/docker-bench.js
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolveLimits } from '../../limits';
import { prepareRun } from '../../prepare-run';
import { Language } from '../../run-spec';
import { SandboxExecutor } from '../../sandbox-executor';
import { DockerBackend } from './docker-backend';
import { dockerTestTarget } from './docker-test-target';

const execFileAsync = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TRIVIAL: Record<Language, string> = {
  python: 'print(1)',
  javascript: 'console.log(1)',
  typescript: 'const n: number = 1; console.log(n)',
  bash: 'echo 1',
};
const CLI_COMMAND: Record<Language, string[]> = {
  python: ['python3', '-c', 'print(1)'],
  javascript: ['node', '-e', 'console.log(1)'],
  typescript: ['node', '-e', 'console.log(1)'],
  bash: ['bash', '-c', 'echo 1'],
};

async function p50(runs: number, once: () => Promise<void>, gapMs = 0): Promise<number> {
  await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (gapMs) await new Promise((resolve) => setTimeout(resolve, gapMs));
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  const target = dockerTestTarget();
  if (target.unavailable) throw new Error(target.unavailable);
  const backend = new DockerBackend({ image: target.image });
  // Warm: the executor's pools over this backend, requests with gaps so a pool has refilled.
  const warmExecutor = new SandboxExecutor({
    backends: [new DockerBackend({ image: target.image })],
    backend: 'docker',
    warm: { python: 2, javascript: 2, typescript: 2, bash: 2 },
  });
  await warmExecutor.warmUp();
  const WARM_GAP_MS = 250;
  console.log(`image ${target.image}, ${RUNS} sequential runs each, p50 in ms`);
  console.log('language     backend.execute  in-sandbox  docker-run-rm  vs-run-rm  bare-spawn  warm-pool');
  const cleanEnv = { PATH: '/usr/bin:/bin', HOME: '/tmp' };
  for (const language of Object.keys(TRIVIAL) as Language[]) {
    const prepared = await prepareRun({ language, code: TRIVIAL[language], limits: resolveLimits() });
    if (prepared.kind !== 'run') throw new Error('prepare failed');
    const inside: number[] = [];
    const ours = await p50(RUNS, async () => {
      const r = await backend.execute(prepared.run);
      if (r.stdout !== '1\n') throw new Error(`unexpected output ${JSON.stringify(r)}`);
      inside.push(r.durationMs);
    });
    const cli = await p50(RUNS, async () => {
      await execFileAsync('docker', ['run', '--rm', '--network', 'none', target.image, ...CLI_COMMAND[language]]);
    });
    const bare = await p50(RUNS, async () => {
      await execFileAsync(CLI_COMMAND[language][0], CLI_COMMAND[language].slice(1), { env: cleanEnv });
    });
    const warm = await p50(
      RUNS,
      async () => {
        const r = await warmExecutor.run({ language, code: TRIVIAL[language], limits: resolveLimits() });
        if (r.stdout !== '1\n') throw new Error(`unexpected output ${JSON.stringify(r)}`);
      },
      WARM_GAP_MS,
    );
    inside.sort((a, b) => a - b);
    const insideP50 = inside[Math.floor(inside.length / 2)];
    const cells = [ours, insideP50, cli].map((v, i) => v.toFixed(0).padStart([15, 11, 14][i]));
    console.log(
      `${language.padEnd(12)} ${cells.join(' ')} ${(ours / cli).toFixed(2).padStart(10)} ${bare
        .toFixed(0)
        .padStart(11)} ${warm.toFixed(0).padStart(8)}`,
    );
  }
  console.log(`warm usage ${JSON.stringify(warmExecutor.warmUsage)}`);
  await warmExecutor.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
