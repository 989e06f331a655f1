import { ROOTFS_DEFINITION } from '../rootfs/rootfs-definition';
import { TYPESCRIPT_IN_SANDBOX } from '../typescript/in-sandbox-typescript';
import { FORGET_EVAL_GLOBALS } from './eval-globals';
import { DONE_BYTE } from './warm-frame';
import { WarmRuntime } from './warm-runtime';

/**
 * Python launcher. It reads the header with os.read only, so sys.stdin has buffered nothing,
 * and runs the code as a fresh __main__; its own frame is cut from the traceback of an uncaught
 * exception. An exit with an integer status is finished as the interpreter would (threads
 * joined, atexit, streams flushed, __main__ collected so the __del__ of its globals runs), then
 * os._exit skips the rest of finalization (~2 ms): what it skips is the teardown of the other
 * modules, whose objects' __del__ would run last. Any other SystemExit is left to Python.
 * What exists before the code arrives is frozen out of the collector (gc.freeze), so that last
 * collection, and any the program triggers, scans only the program's objects (~0.7 ms less).
 * With a done fd, the status is written there just before os._exit, by the launching process
 * only (a child of os.fork that returns through here does not end the run) and only if the fd is
 * still the pipe it was at start-up (the program may have closed or replaced it).
 */
export const PYTHON_LAUNCHER_DEFINITIONS = String.raw`import os, sys
def _sandbox_launch(done_fd):
    import builtins, gc
    done_ino = None if done_fd is None else (os.getpid(), os.fstat(done_fd).st_ino)
    from importlib.machinery import SourceFileLoader
    def read_exactly(n):
        buf = bytearray()
        while len(buf) < n:
            chunk = os.read(0, min(n - len(buf), 1 << 20))
            if not chunk:
                os._exit(125)
            buf += chunk
        return bytes(buf)
    gc.freeze()
    os.write(2, b'\x06')
    header = read_exactly(int.from_bytes(read_exactly(4), 'big'))
    items, pos = [], 0
    while pos < len(header):
        size = int.from_bytes(header[pos:pos + 4], 'big')
        items.append(header[pos + 4:pos + 4 + size])
        pos += 4 + size
    main, argc = os.fsdecode(items[0]), int(items[1])
    args = [os.fsdecode(a) for a in items[2:2 + argc]]
    files = items[2 + argc:]
    for i in range(0, len(files), 2):
        name = os.fsdecode(files[i])
        path = '/work/' + name
        if '/' in name:
            os.makedirs(os.path.dirname(path), 0o755, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(files[i + 1])
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    os.write(2, b'\x02')
    path = '/work/' + main
    sys.argv[:] = [main] + args
    sys.path[0] = '/work'
    module = type(sys)('__main__')
    module.__dict__.update(__file__=path, __cached__=None, __loader__=SourceFileLoader('__main__', path),
                           __builtins__=builtins, __spec__=None, __package__=None, __annotations__={})
    sys.modules['__main__'] = module
    with open(path, 'rb') as f:
        source = f.read()
    try:
        exec(compile(source, path, 'exec', dont_inherit=True), module.__dict__)
        status = 0
    except SystemExit as e:
        status = 0 if e.code is None else e.code
        if type(status) not in (int, bool) or not -2**31 <= status < 2**31:
            raise
    except BaseException as e:
        e = e.with_traceback(e.__traceback__.tb_next)
        sys.excepthook(type(e), e, e.__traceback__)
        status = 1
    del module, source
    return int(status), done_ino
def _sandbox_finish(done_fd, status, done_ino):
    import atexit, gc
    shutdown_threads = getattr(sys.modules.get('threading'), '_shutdown', None)
    if shutdown_threads is not None:
        shutdown_threads()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    sys.modules.pop('__main__', None)
    gc.collect()
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except BaseException:
            pass
    if done_fd is not None:
        try:
            if (os.getpid(), os.fstat(done_fd).st_ino) == done_ino:
                os.write(done_fd, bytes((${DONE_BYTE}, status & 0xFF)))
        except OSError:
            pass
    os._exit(status & 0xFF)
`;

const PYTHON_LAUNCHER = (doneFd: number | null) =>
  `${PYTHON_LAUNCHER_DEFINITIONS}_sandbox_finish(${doneFd ?? 'None'}, *_sandbox_launch(${doneFd ?? 'None'}))\n`;

/**
 * Node launcher: reads the header with fs.readSync (process.stdin is never touched), then
 * Module.runMain() loads the main file as the real entry point (require.main, ESM, argv).
 * It runs from a tick of its own so no eval frames sit under the program's stack.
 * Before it signals ready it does once, on a probe file it then removes, what a run does
 * (parse a header, write a file, runMain, console.log to a sink, an empty write to stdout, which
 * puts no byte in the pipe), so that a run finds that code compiled and the loader's caches warm. After the 'exit' event of a natural exit or
 * process.exit() it exits at once, skipping the isolate teardown (~5 ms): with a done fd it
 * writes the status there and SIGKILLs itself (~1 ms sooner gone than process.reallyExit, which
 * still tears the platform down); without one, as process.exit() itself does. Not after an
 * uncaught exception, whose report follows that event.
 * The TypeScript launcher also loads the in-sandbox transpiler and trains it before it signals
 * ready; once the files are written it compiles them (a compile error ends the run with status
 * 1 and the message on stderr) and runs the compiled main.
 * It waits for the run inside an immediate, after one turn of the event loop: the tick and
 * immediate machinery a run goes through has run once then, and Node compiles it lazily on first
 * use (~0.4 ms between delivery and user code). User code still starts from a tick of its own; its
 * immediates and timers come in the loop's next turns, as a cold run's come in its first.
 * The globals `node -e` made are removed there too, before it signals ready (deleting those ~70
 * properties of globalThis takes 0.13–0.19 ms, which used to fall between delivery and user code),
 * and its exit hook is installed and called once (with the status reads it makes): its first
 * call, compiled lazily, used to come between the program's end and its report (~0.1 ms).
 */
const NODE_LAUNCHER = (doneFd: number | null, typescript: boolean) => String.raw`(() => {
  const doneFd = ${doneFd};
  const typescript = ${typescript ? TYPESCRIPT_IN_SANDBOX : 'null'};
  const fs = require('fs');
  const doneIno = doneFd === null ? null : fs.fstatSync(doneFd).ino;
  const path = require('path');
  const Module = require('module');
  const { Writable } = require('stream');
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  const readExactly = (n) => {
    const buf = Buffer.allocUnsafe(n);
    for (let off = 0; off < n; ) {
      const got = fs.readSync(0, buf, off, n - off, null);
      if (got === 0) process.exit(125);
      off += got;
    }
    return buf;
  };
  const parseHeader = (header) => {
    const items = [];
    for (let pos = 0; pos < header.length; ) {
      const size = header.readUInt32BE(pos);
      items.push(header.subarray(pos + 4, pos + 4 + size));
      pos += 4 + size;
    }
    const argc = Number(items[1].toString('utf8'));
    return {
      main: items[0].toString('utf8'),
      args: items.slice(2, 2 + argc).map((a) => a.toString('utf8')),
      files: items.slice(2 + argc),
    };
  };
  const writeFiles = (dir, files) => {
    for (let i = 0; i < files.length; i += 2) {
      const name = files[i].toString('utf8');
      const file = dir + '/' + name;
      if (name.includes('/')) fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
      const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
      try {
        for (let off = 0; off < files[i + 1].length; ) off += fs.writeSync(fd, files[i + 1], off);
      } finally {
        fs.closeSync(fd);
      }
    }
  };
  const item = (s) => {
    const bytes = Buffer.from(s);
    const size = Buffer.alloc(4);
    size.writeUInt32BE(bytes.length);
    return [size, bytes];
  };
  process.stdout;
  process.stderr;
  const probeDir = '/tmp/.sandbox-warm';
  const probeMain = typescript ? 'main.ts' : 'main.js';
  const probeCode = typescript ? 'module.exports = 0 as number;' : 'module.exports = 0;';
  const probe = parseHeader(Buffer.concat([probeMain, '0', probeMain, probeCode].flatMap(item)));
  fs.mkdirSync(probeDir, { mode: 0o755 });
  writeFiles(probeDir, probe.files);
  if (typescript) typescript.warm();
  process.argv = [process.execPath, probeDir + '/' + (typescript ? typescript.compile(probeDir, [probe.main]) : probe.main)];
  Module.runMain();
  delete require.cache[process.argv[1]];
  fs.rmSync(probeDir, { recursive: true });
  new console.Console(new Writable({ write: (chunk, encoding, done) => done() })).log(1);
  process.stdout.write('');
  process.nextTick(() => {});
  setImmediate(() => {
    ${FORGET_EVAL_GLOBALS}
    process.execArgv.length = 0;
    delete process._eval;
    const emit = process.emit;
    let fatal = false;
    process.emit = function (event, ...rest) {
      if (event === 'uncaughtExceptionMonitor') fatal = true;
      const handled = emit.call(this, event, ...rest);
      if (event === 'uncaughtException' && handled) fatal = false;
      if (event === 'exit' && !fatal) {
        const status = process.exitCode ?? rest[0] ?? 0;
        try {
          if (doneFd !== null && fs.fstatSync(doneFd).ino === doneIno && fs.writeSync(doneFd, Buffer.from([${DONE_BYTE}, status & 0xff])) === 2) {
            process.kill(process.pid, 'SIGKILL');
          }
        } catch {}
        process.reallyExit(status);
      }
      return handled;
    };
    process.emit('sandbox-warm');
    void process.exitCode;
    Buffer.from([0, 0]);
    fs.writeSync(2, '\x06');
    const run = parseHeader(readExactly(readExactly(4).readUInt32BE(0)));
    writeFiles('/work', run.files);
    fs.writeSync(2, '\x02');
    process.nextTick(() => {
      let main = run.main;
      if (typescript) {
        try {
          main = typescript.compile('/work', [run.main, ...run.files.filter((f, i) => i % 2 === 0).map(String).filter((name) => name !== run.main)]);
        } catch (err) {
          if (!err || typeof err.compileError !== 'string') throw err;
          fs.writeSync(2, err.compileError);
          process.exitCode = 1;
          return;
        }
      }
      process.argv = [process.execPath, '/work/' + main, ...run.args];
      Module.runMain();
    });
  });
})();
`;

/**
 * Bash launcher: a bash already started, with the rootfs's frame unpacker (started with it) that
 * reads the header from the shared fd 0, writes the files and hands main and args back over a
 * pipe; bash then sources main.sh with $0 and "$@" set, which spares a bash exec per run. What
 * differs from `bash main.sh`: `$-` has c, and BASH_LINENO/caller at top level name the launcher's line.
 */
const BASH_LAUNCHER = String.raw`exec 3< <(exec ${ROOTFS_DEFINITION.unpacker.path})
read -r -N 1 -u 3 __r
printf '\6' >&2
mapfile -d '' -t -u 3 __a
exec 3<&-
printf '\2' >&2
set -- "${'${'}__a[@]:1}"
BASH_ARGV0=${'${'}__a[0]}
unset -v __a __r BASH_EXECUTION_STRING
. "$0"
`;

/**
 * The warm sandbox's command, inside the same sandbox a cold run gets (cwd /work). With
 * `doneFd` (an inherited pipe) the python and node launchers write DONE_BYTE and the exit
 * status there once the program has finished; node then ends itself with SIGKILL.
 */
export function launcherArgv(runtime: WarmRuntime, doneFd: number | null = null): string[] {
  switch (runtime) {
    case 'python':
      return ['python3', '-u', '-c', PYTHON_LAUNCHER(doneFd)];
    case 'bash':
      return ['bash', '-c', BASH_LAUNCHER, 'bash'];
    case 'node':
      return ['node', '-e', NODE_LAUNCHER(doneFd, false)];
    case 'typescript':
      return ['node', '-e', NODE_LAUNCHER(doneFd, true)];
  }
}
