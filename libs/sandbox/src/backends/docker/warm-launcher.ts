import { PreparedRun } from '../sandbox-backend';

/**
 * Launcher of a container started before its run is known: it waits for a payload on
 * stdin (a length line, a JSON header with watchdog, file names/sizes and argv, the file
 * contents), writes the files, then execs the program under `timeout` with the rest of
 * stdin. Python because argv arrives as data here; its startup happens while idle, so it
 * costs the run nothing. os.read on fd 0 is unbuffered: nothing past the payload is consumed.
 * An idle launcher exits by itself (SIGALRM) so a crashed gateway leaves nothing running.
 */
const WARM_LAUNCHER_SCRIPT = `
import json, os, signal
# PID 1 ignores signals it has no handler for, so the idle alarm needs one.
signal.signal(signal.SIGALRM, lambda *_: os._exit(124))
signal.alarm(int(os.environ.pop("SANDBOX_IDLE_SECONDS")))
def exact(n):
    parts = []
    while n > 0:
        part = os.read(0, min(n, 1 << 20))
        if not part:
            os._exit(125)
        parts.append(part)
        n -= len(part)
    return b"".join(parts)
line = b""
while not line.endswith(b"\\n"):
    c = os.read(0, 1)
    if not c:
        os._exit(125)
    line += c
signal.alarm(0)
header = json.loads(exact(int(line)))
for name, size in header["files"]:
    data = exact(size)
    try:
        folder = os.path.dirname(name)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with open(name, "wb") as f:
            f.write(data)
    except OSError as e:
        os.write(2, f"sandbox: cannot write file {name}: {e.strerror}\\n".encode())
        os._exit(126)
os.environ.pop("HOSTNAME", None)
os.execvp("timeout", ["timeout", "-s", "KILL", header["watchdog"], *header["argv"]])
`;

/** The fixed command of a warm container; the idle limit travels in its environment. */
export function warmLauncherCommand(): string[] {
  return ['python3', '-I', '-S', '-c', WARM_LAUNCHER_SCRIPT];
}

export const WARM_IDLE_ENV = 'SANDBOX_IDLE_SECONDS';

/** What a warm container reads from stdin to become this run. */
export function warmPayload(run: PreparedRun, watchdogMs: number): Buffer {
  const contents = run.files.map((file) => Buffer.from(file.content, 'utf8'));
  const header = Buffer.from(
    JSON.stringify({
      watchdog: (Math.ceil(watchdogMs) / 1000).toFixed(3),
      files: run.files.map((file, i) => [file.name, contents[i].length]),
      argv: run.argv,
    }),
    'utf8',
  );
  const userStdin = run.stdin === undefined ? Buffer.alloc(0) : Buffer.from(run.stdin, 'utf8');
  return Buffer.concat([Buffer.from(`${header.length}\n`), header, ...contents, userStdin]);
}
