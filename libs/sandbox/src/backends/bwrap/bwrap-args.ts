import { posix } from 'node:path';
import { SANDBOX_ENV } from '../sandbox-backend';
import { MIB } from '../../limits';
import { RunLimits } from '../../run-spec';

export const SANDBOX_HOSTNAME = 'sandbox';
export const WORK_DIR = '/work';
export const SHM_MAX_MB = 16;

export interface BwrapLayout {
  rootfsDir: string;
  uid: number;
  gid: number;
  limits: RunLimits;
  /** File names relative to /work, in the order of their fds. */
  fileNames: string[];
  firstFileFd: number;
  statusFd: number;
  blockFd: number;
  /** bwrap installs this seccomp program; null only for a zygote, whose children install it. */
  seccompFd: number | null;
  /** A zygote keeps every capability, inside its own user namespace only, to set up its children. */
  keepCapabilities?: boolean;
  argv: string[];
}

/** bwrap's argument vector; each --file reads its content from an inherited pipe fd. */
export function buildBwrapArgs(l: BwrapLayout): string[] {
  const tmpfsBytes = String(l.limits.tmpfsMb * MIB);
  const shmBytes = String(Math.min(l.limits.tmpfsMb, SHM_MAX_MB) * MIB);
  const args = [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    ...(l.keepCapabilities ? ['--cap-add', 'ALL'] : ['--cap-drop', 'ALL']),
    '--uid', String(l.uid),
    '--gid', String(l.gid),
    '--hostname', SANDBOX_HOSTNAME,
    '--ro-bind', l.rootfsDir, '/',
    '--proc', '/proc',
    '--dev', '/dev',
    '--size', shmBytes, '--tmpfs', '/dev/shm',
    '--size', tmpfsBytes, '--tmpfs', '/tmp',
    '--size', tmpfsBytes, '--tmpfs', WORK_DIR,
    // A zygote's /dev is every child's (each mounts only its own devpts and /dev/shm over it): never
    // writable, or one run could leave files or swap the /dev/stdout link for the next. Its /work,
    // /tmp and /dev/shm are only ever covered by each child's, and never writable either.
    ...(l.keepCapabilities ? ['--remount-ro', '/dev', '--remount-ro', '/dev/shm', '--remount-ro', '/tmp', '--remount-ro', WORK_DIR] : []),
    '--clearenv',
  ];
  for (const [k, v] of Object.entries(SANDBOX_ENV)) args.push('--setenv', k, v);
  const dirs = new Set<string>();
  l.fileNames.forEach((name, i) => {
    const parts = name.split('/');
    for (let j = 1; j < parts.length; j++) {
      const dir = parts.slice(0, j).join('/');
      if (!dirs.has(dir)) {
        dirs.add(dir);
        args.push('--dir', posix.join(WORK_DIR, dir));
      }
    }
    args.push('--perms', '0644', '--file', String(l.firstFileFd + i), posix.join(WORK_DIR, name));
  });
  args.push(
    '--chdir', WORK_DIR,
    ...(l.seccompFd === null ? [] : ['--seccomp', String(l.seccompFd)]),
    '--json-status-fd', String(l.statusFd),
    '--block-fd', String(l.blockFd),
    '--',
    ...l.argv,
  );
  return args;
}
