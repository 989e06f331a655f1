import { DEFAULT_LIMITS_TABLE } from '../../limits';
import { buildBwrapArgs } from './bwrap-args';

const args = buildBwrapArgs({
  rootfsDir: '/r',
  uid: 65534,
  gid: 65534,
  limits: DEFAULT_LIMITS_TABLE.defaults,
  fileNames: ['main.py', 'a/b/c.txt'],
  firstFileFd: 6,
  statusFd: 3,
  blockFd: 4,
  seccompFd: 5,
  argv: ['python3', 'main.py', '--flag'],
});

const pairAfter = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

describe('buildBwrapArgs', () => {
  it('locks the sandbox down', () => {
    for (const flag of ['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session', '--clearenv']) {
      expect(args).toContain(flag);
    }
    expect(pairAfter('--cap-drop')).toEqual(['ALL']);
    expect(pairAfter('--seccomp')).toEqual(['5']);
    expect(pairAfter('--ro-bind')).toEqual(['/r']);
    expect(args).not.toContain('--bind');
    expect(args).not.toContain('--share-net');
  });

  it('sizes every writable tmpfs', () => {
    const tmpfs = args.flatMap((a, i) => (a === '--tmpfs' ? [[args[i - 2], args[i - 1], args[i + 1]]] : []));
    expect(tmpfs).toEqual([
      ['--size', String(16 * 1024 * 1024), '/dev/shm'],
      ['--size', String(64 * 1024 * 1024), '/tmp'],
      ['--size', String(64 * 1024 * 1024), '/work'],
    ]);
  });

  it('delivers files from fds, creating parent directories, with no host path', () => {
    expect(args.join(' ')).toContain('--dir /work/a --dir /work/a/b');
    const files = args.flatMap((a, i) => (a === '--file' ? [[args[i + 1], args[i + 2]]] : []));
    expect(files).toEqual([
      ['6', '/work/main.py'],
      ['7', '/work/a/b/c.txt'],
    ]);
  });

  it('ends with the command, untouched', () => {
    expect(args.slice(-4)).toEqual(['--', 'python3', 'main.py', '--flag']);
    expect(pairAfter('--setenv')).toEqual(['PATH', 'HOME', 'LANG', 'TMPDIR']);
  });
});
