import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { rootfsInfo } from '@app/sandbox';
import { seccompFilterBytes } from '@app/sandbox/backends/bwrap/seccomp-filter';
import { machineCpuDuring } from './cpu-usage';

/**
 * Experiment behind the Python throughput figure: what a namespaced fork of an already started
 * Python costs, against what a run pays today (a fresh bwrap sandbox and a Python start). Both
 * measured here, in the same run, as the whole machine's busy CPU; bwrap runs as uid 65534, as
 * the gateway starts it. `npm run bench:zygote-probe [-- --n N]`.
 */
const SANDBOX_UID = 65534;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function bwrap(args: string[], stdin?: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bwrap', args, { uid: SANDBOX_UID, gid: SANDBOX_UID, env: {}, stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    child.stdin?.end(stdin);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(err) : reject(new Error(`bwrap exited ${code}: ${err}`))));
  });
}

async function main(): Promise<void> {
  const n = flag('n', 200);
  const common = [
    '--unshare-all', '--unshare-user', '--die-with-parent', '--new-session',
    '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_UID), '--hostname', 'sandbox',
    '--ro-bind', rootfsInfo().dir, '/', '--proc', '/proc', '--dev', '/dev',
    '--tmpfs', '/dev/shm', '--tmpfs', '/tmp', '--tmpfs', '/work', '--clearenv', '--chdir', '/work',
  ];
  const fresh = [...common, '--disable-userns', '--cap-drop', 'ALL', '--', 'python3', '-c', 'print(1)'];
  const probe = (children: number) => [...common, '--cap-add', 'ALL', '--ro-bind', join(__dirname, '..', '..', 'bench', 'zygote-probe'), '/srv', '--', 'python3', '/srv/forks.py', String(children)];

  const perRun = async (runs: number, fn: () => Promise<unknown>) => {
    const { busyMs } = await machineCpuDuring(async () => {
      for (let i = 0; i < runs; i++) await fn();
    });
    return busyMs / runs;
  };
  await bwrap(fresh);
  const freshMs = await perRun(n, () => bwrap(fresh));
  const filter = seccompFilterBytes();
  const startMs = await perRun(20, () => bwrap(probe(0), filter));
  let report = '';
  const { busyMs } = await machineCpuDuring(async () => void (report = await bwrap(probe(n), filter)));
  const forkMs = (busyMs - startMs) / n;
  console.log(report.trim());
  console.table({
    'fresh bwrap sandbox + python3 -c (today, per run)': { 'CPU ms': Math.round(freshMs * 100) / 100 },
    'namespaced, capability-free, seccomp-filtered fork of a started Python (per child)': { 'CPU ms': Math.round(forkMs * 100) / 100 },
    'one bwrap sandbox with Python started (per zygote)': { 'CPU ms': Math.round(startMs * 100) / 100 },
  });
  console.log(`a namespaced fork costs ${Math.round((forkMs / freshMs) * 100) / 100}× a fresh sandbox and Python start`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
