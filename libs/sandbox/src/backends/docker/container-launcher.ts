import { PreparedRun } from '../sandbox-backend';

/**
 * Runs as the container's command and delivers the files without any host directory:
 * tmpfs only exists once the container runs, so `putArchive` cannot reach it. File sizes
 * and names arrive as argv (never spliced into the script), contents as the head of stdin;
 * GNU `head -c` reads exactly its count, so the rest of stdin is the program's own.
 * `timeout` is a last-resort watchdog: it kills the program even if the gateway dies.
 */
const LAUNCHER_SCRIPT = [
  // dockerd always injects HOSTNAME; the program must see exactly SANDBOX_ENV.
  'unset HOSTNAME',
  'w=$1; n=$2; shift 2',
  'while [ "$n" -gt 0 ]; do',
  '  s=$1; f=$2; shift 2',
  '  case $f in */*) mkdir -p -- "${f%/*}" || exit 126;; esac',
  '  head -c "$s" > "$f" || { echo "sandbox: cannot write file $f" >&2; exit 126; }',
  '  n=$((n - 1))',
  'done',
  'exec timeout -s KILL "$w" "$@"',
].join('\n');

export interface LauncherInvocation {
  cmd: string[];
  stdin: Buffer;
}

export function launcherInvocation(run: PreparedRun, watchdogMs: number): LauncherInvocation {
  const contents = run.files.map((file) => Buffer.from(file.content, 'utf8'));
  const fileArgs = run.files.flatMap((file, i) => [String(contents[i].length), file.name]);
  const watchdogSeconds = (Math.ceil(watchdogMs) / 1000).toFixed(3);
  const userStdin = run.stdin === undefined ? Buffer.alloc(0) : Buffer.from(run.stdin, 'utf8');
  return {
    cmd: [
      '/bin/sh',
      '-c',
      LAUNCHER_SCRIPT,
      'sandbox-launch',
      watchdogSeconds,
      String(run.files.length),
      ...fileArgs,
      ...run.argv,
    ],
    stdin: Buffer.concat([...contents, userStdin]),
  };
}
