import { spawn } from 'node:child_process';
import { machineCpuDuring } from './cpu-usage';
import { LatencyStats, timeSequential } from './stats';

/** SPEC §7: the baseline interpreter runs with a clean environment (NODE_EXTRA_CA_CERTS alone slows node ~3×). */
const CLEAN_ENV = { PATH: '/usr/bin:/bin', HOME: '/tmp' };

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Written to the child's stdin, then closed; without it stdin is /dev/null. */
  stdin?: Buffer;
}

/** Runs argv to its end; resolves with what it wrote on stderr, rejects unless it exits 0. */
export function spawnChecked(argv: string[], o: SpawnOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env: o.env ?? CLEAN_ENV, uid: o.uid, gid: o.gid, stdio: [o.stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    child.stdin?.end(o.stdin);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(err) : reject(new Error(`${argv.join(' ')} exited ${code}: ${err}`))));
  });
}

export async function runOnce(argv: string[], env: NodeJS.ProcessEnv = CLEAN_ENV): Promise<void> {
  await spawnChecked(argv, { env });
}

/** n spawns, back to back, or each `paceMs` after the previous one ended. */
export function benchSpawn(argv: string[], n: number, env?: NodeJS.ProcessEnv, paceMs = 0): Promise<LatencyStats> {
  return timeSequential(n, Math.min(5, n), () => runOnce(argv, env), paceMs);
}

/** n spawns back to back, and the machine's busy CPU per spawn over them (this process's spawn work included). */
export async function benchSpawnWithCpu(argv: string[], n: number, env?: NodeJS.ProcessEnv): Promise<{ latency: LatencyStats; cpuMsPerSpawn: number }> {
  const { result, busyMs } = await machineCpuDuring(() => benchSpawn(argv, n, env));
  return { latency: result, cpuMsPerSpawn: Math.round((busyMs / (n + Math.min(5, n))) * 100) / 100 };
}
