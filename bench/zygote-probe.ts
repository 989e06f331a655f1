import { join } from 'node:path';
import { rootfsInfo } from '@app/sandbox';
import { seccompFilterBytes } from '@app/sandbox/backends/bwrap/seccomp-filter';
import { spawnChecked } from './bare-spawn';
import { numberFlag } from './cli-flags';
import { machineCpuDuring } from './cpu-usage';

/**
 * Experiment behind the Python throughput figure: what a namespaced, hardened fork of an
 * already started Python costs, against a fresh bwrap sandbox (the namespaces and mounts a run
 * gets; not its seccomp, status pipe or cgroups) that starts `python3 -c`. Both as the whole
 * machine's busy CPU, in alternating blocks; bwrap runs as uid 65534, as the gateway starts it,
 * and the fresh sandboxes come from one shell loop so no Node spawn is counted in them.
 * `npm run bench:zygote-probe [-- --n N --rounds R]`.
 */
const SANDBOX_UID = 65534;

const run = (file: string, args: string[], stdin?: Buffer) => spawnChecked([file, ...args], { uid: SANDBOX_UID, gid: SANDBOX_UID, stdin });

const round2 = (x: number) => Math.round(x * 100) / 100;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const n = numberFlag('n', 100);
  const rounds = numberFlag('rounds', 3);
  const common = [
    '--unshare-all', '--unshare-user', '--die-with-parent', '--new-session',
    '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_UID), '--hostname', 'sandbox',
    '--ro-bind', rootfsInfo().dir, '/', '--proc', '/proc', '--dev', '/dev',
    '--tmpfs', '/dev/shm', '--tmpfs', '/tmp', '--tmpfs', '/work', '--clearenv', '--chdir', '/work',
  ];
  const fresh = [...common, '--disable-userns', '--cap-drop', 'ALL', '--', 'python3', '-c', 'print(1)'];
  const loop = ['-c', 'i=0; while [ $i -lt "$0" ]; do bwrap "$@" > /dev/null || exit 1; i=$((i+1)); done', String(n), ...fresh];
  const probe = (children: number) => [...common, '--cap-add', 'ALL', '--ro-bind', join(__dirname, '..', '..', 'bench', 'zygote-probe'), '/srv', '--', 'python3', '/srv/forks.py', String(children)];
  const filter = seccompFilterBytes();

  await run('bwrap', fresh);
  const rows: { freshMs: number; forkMs: number; zygoteMs: number }[] = [];
  let report = '';
  for (let r = 0; r < rounds; r++) {
    const freshCpu = await machineCpuDuring(() => run('sh', loop));
    const starts = await machineCpuDuring(async () => {
      for (let i = 0; i < 10; i++) await run('bwrap', probe(0), filter);
    });
    const forks = await machineCpuDuring(async () => void (report = await run('bwrap', probe(n), filter)));
    const zygoteMs = starts.busyMs / 10;
    rows.push({ freshMs: freshCpu.busyMs / n, forkMs: (forks.busyMs - zygoteMs) / n, zygoteMs });
  }
  console.log(report.trim());
  console.table(
    rows.map((r) => ({
      'fresh bwrap sandbox + python3 -c, CPU ms per run': round2(r.freshMs),
      'hardened namespaced fork, CPU ms per child': round2(r.forkMs),
      'zygote sandbox start, CPU ms': round2(r.zygoteMs),
      ratio: round2(r.forkMs / r.freshMs),
    })),
  );
  console.log(`median ratio ${round2(median(rows.map((r) => r.forkMs / r.freshMs)))} (${rounds} rounds of ${n})`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
