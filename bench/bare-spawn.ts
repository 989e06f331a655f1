import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { isExecutable } from '@app/sandbox/backends/bwrap/host-checks';
import { loadFastSpawn } from '@app/sandbox/backends/bwrap/native/fast-spawn-addon';
import { NativeChild } from '@app/sandbox/backends/bwrap/native/native-child';
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

const fastSpawn = loadFastSpawn();

/**
 * What spawns the bare baselines: the runner's own fast-spawn addon when it is built (a clone from a
 * small thread stack, ~0.5 ms less than child_process here), so the baseline is the interpreter's
 * cost and not node's; else child_process.
 */
export const BASELINE_SPAWNER = fastSpawn ? 'fast-spawn addon' : 'child_process';

/** Runs argv to its end with a clean environment, stdout to /dev/null; rejects unless it exits 0. */
export async function runOnce(argv: string[], env: NodeJS.ProcessEnv = CLEAN_ENV): Promise<void> {
  if (!fastSpawn) return void (await spawnChecked(argv, { env }));
  const strings = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const file = await onPath(argv[0], strings.PATH);
  await new Promise<void>((resolve, reject) => {
    const child = new NativeChild(fastSpawn, file, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: strings });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.on('close', (code: number | null) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')} exited ${code}: ${err}`))));
  });
}

const resolved = new Map<string, string>();

/** The command's file on PATH, looked up once (the lookup is not part of any timed spawn after the first). */
async function onPath(command: string, path = CLEAN_ENV.PATH): Promise<string> {
  if (command.includes('/')) return command;
  const key = `${path}\0${command}`;
  const known = resolved.get(key);
  if (known) return known;
  for (const dir of path.split(':').filter((d) => d.startsWith('/'))) {
    if (!(await isExecutable(join(dir, command)))) continue;
    resolved.set(key, join(dir, command));
    return join(dir, command);
  }
  throw new Error(`${command} is not on PATH ${path}`);
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
