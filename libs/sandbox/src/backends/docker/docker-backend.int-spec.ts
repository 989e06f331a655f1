import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { resolveLimits } from '../../limits';
import { prepareRun } from '../../prepare-run';
import { Language, RunLimits, RunResult } from '../../run-spec';
import { SANDBOX_ENV } from '../sandbox-backend';
import { DockerBackend } from './docker-backend';
import { DOCKER_BACKEND_LABEL } from './docker-backend-options';
import { announceDockerSkip, dockerTestTarget } from './docker-test-target';

const target = dockerTestTarget();
announceDockerSkip(target, 'docker backend integration');
const describeDocker = target.unavailable ? describe.skip : describe;

const RUN_LABEL = 'io.sandbox-gateway.test-run';
const runId = randomUUID();
const backend = new DockerBackend({ image: target.image, labels: { [RUN_LABEL]: runId } });

async function run(
  language: Language,
  code: string,
  extra: { stdin?: string; files?: { name: string; content: string }[]; limits?: Partial<RunLimits> } = {},
): Promise<RunResult> {
  const limits = { ...resolveLimits(), timeoutMs: 5000, ...extra.limits };
  const prepared = await prepareRun({ language, code, stdin: extra.stdin, files: extra.files, limits });
  if (prepared.kind !== 'run') throw new Error(`did not prepare: ${prepared.result.stderr}`);
  return backend.execute(prepared.run);
}

const bash = (code: string, extra?: Parameters<typeof run>[2]) => run('bash', code, extra);

function ourContainers(): string[] {
  const out = execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=${RUN_LABEL}=${runId}`]).toString();
  return out.split('\n').filter(Boolean);
}

/** Highest growth of Buffer memory while `fn` runs: what a flood could make us hold. */
async function withPeakMemory<T>(fn: () => Promise<T>): Promise<{ result: T; peakGrowth: number }> {
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    return { result, peakGrowth: peak - base };
  } finally {
    clearInterval(sampler);
  }
}

describeDocker(`DockerBackend on ${target.image}`, () => {
  jest.setTimeout(60_000);

  beforeAll(() => {
    process.env.SANDBOX_TEST_CANARY = `canary-${runId}`;
  });

  // Every hostile case must leave the backend healthy and nothing behind.
  afterEach(async () => {
    const hello = await bash('echo hello');
    expect(hello).toMatchObject({ exitCode: 0, stdout: 'hello\n', timedOut: false });
    expect(ourContainers()).toEqual([]);
  });

  afterAll(() => {
    const left = ourContainers();
    if (left.length) execFileSync('docker', ['rm', '-f', ...left]);
  });

  it('probes ready', async () => {
    expect(await backend.probe()).toEqual({ backend: 'docker', ready: true });
  });

  describe('seed examples', () => {
    it('python json/math roots', async () => {
      const r = await run(
        'python',
        'import json, math\nprint(json.dumps({"roots": [round(math.sqrt(i), 3) for i in range(1, 6)]}))',
      );
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ roots: [1.0, 1.414, 1.732, 2.0, 2.236] });
    });

    it('node crypto sha256 of "hello world"', async () => {
      const r = await run(
        'javascript',
        "console.log(require('crypto').createHash('sha256').update('hello world').digest('hex'))",
      );
      expect(r.stdout).toBe('b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9\n');
    });

    it('bash nproc, free -h, uptime -p', async () => {
      const r = await bash('nproc\nfree -h\nuptime -p');
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/^\d+\n/);
      expect(r.stdout).toMatch(/Mem:/);
      expect(r.stdout).toMatch(/up /);
    });

    it('javascript squares', async () => {
      const r = await run('javascript', 'console.log(Array.from({length:10},(_,i)=>i*i))');
      expect(r.exitCode).toBe(0);
      expect(r.stdout.replace(/\s+/g, '')).toBe('[0,1,4,9,16,25,36,49,64,81]');
    });

    it('typescript compiled before the sandbox', async () => {
      const r = await run('typescript', 'const n: number = 6 * 7;\nconsole.log(n)');
      expect(r).toMatchObject({ exitCode: 0, stdout: '42\n' });
    });
  });

  describe('inputs', () => {
    it('passes stdin, then EOF', async () => {
      const r = await run('python', 'import sys\nprint(sys.stdin.read().upper(), end="")', { stdin: 'abc\ndef\n' });
      expect(r.stdout).toBe('ABC\nDEF\n');
    });

    it('gives EOF at once without stdin', async () => {
      const r = await bash('cat; echo "eof:$?"', { limits: { timeoutMs: 3000 } });
      expect(r).toMatchObject({ stdout: 'eof:0\n', timedOut: false });
    });

    it('writes files (nested, unicode, empty) into /work', async () => {
      const r = await bash('cat data.txt; cat lib/deep/x.txt; wc -c < empty; pwd', {
        files: [
          { name: 'data.txt', content: 'héllo ✓\n' },
          { name: 'lib/deep/x.txt', content: 'nested\n' },
          { name: 'empty', content: '' },
        ],
        stdin: 'unused',
      });
      expect(r.stdout).toBe('héllo ✓\nnested\n0\n/work\n');
    });

    it('keeps stdin intact after large files', async () => {
      const big = 'x'.repeat(300_000);
      const r = await run('python', 'import sys\nprint(len(open("big.txt").read()), sys.stdin.read())', {
        files: [{ name: 'big.txt', content: big }],
        stdin: 'tail',
      });
      expect(r.stdout).toBe('300000 tail\n');
    });
  });

  describe('limits', () => {
    it('survives a fork bomb', async () => {
      const started = Date.now();
      await bash(':(){ :|:& };:; sleep 2', { limits: { timeoutMs: 3000 } });
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it('stops forks at the pids limit', async () => {
      const code = [
        'import os, time',
        'n = 0',
        'try:',
        '    while True:',
        '        if os.fork() == 0:',
        '            time.sleep(5)',
        '            os._exit(0)',
        '        n += 1',
        'except OSError:',
        '    print("fork failed after", n)',
      ].join('\n');
      const r = await run('python', code, { limits: { pids: 16, timeoutMs: 3000 } });
      const forked = Number(/fork failed after (\d+)/.exec(r.stdout)?.[1]);
      expect(forked).toBeGreaterThan(0);
      expect(forked).toBeLessThan(16);
    });

    it('kills on memory growth with oomKilled', async () => {
      const r = await run('python', 'x = []\nwhile True:\n    x.append(bytearray(10 * 1024 * 1024))', {
        limits: { memoryMb: 64 },
      });
      expect(r).toMatchObject({ oomKilled: true, timedOut: false, exitCode: 137, signal: 'SIGKILL' });
    });

    it('kills a busy loop at the wall clock with timedOut', async () => {
      const r = await run('javascript', 'while (true) {}', { limits: { timeoutMs: 1000 } });
      expect(r).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
      expect(r.durationMs).toBeGreaterThanOrEqual(900);
      expect(r.durationMs).toBeLessThan(3000);
    });

    it('keeps output printed before a timeout', async () => {
      const r = await run('python', 'import time\nprint("before")\ntime.sleep(60)', { limits: { timeoutMs: 1500 } });
      expect(r).toMatchObject({ timedOut: true, stdout: 'before\n' });
    });

    it('caps a 100 MB stdout flood and flags it, without growing our memory', async () => {
      const { result: r, peakGrowth } = await withPeakMemory(() =>
        run('python', 'import sys\nsys.stdout.write("y" * (100 * 1024 * 1024))\nsys.stderr.write("end")', {
          limits: { timeoutMs: 20_000, memoryMb: 512 },
        }),
      );
      expect(r.stdoutTruncated).toBe(true);
      expect(r.stdout.length).toBe(64 * 1024);
      expect(r.stderr).toBe('end');
      expect(r.stderrTruncated).toBe(false);
      expect(peakGrowth).toBeLessThan(64 * 1024 * 1024);
    });

    it('caps stderr separately', async () => {
      const r = await bash('head -c 1000000 /dev/zero | tr "\\0" e >&2; echo out');
      expect(r).toMatchObject({ stdout: 'out\n', stderrTruncated: true, stdoutTruncated: false });
      expect(r.stderr.length).toBe(64 * 1024);
    });

    it('bounds the work dir by tmpfsMb', async () => {
      const r = await bash('head -c 3000000 /dev/zero > big || echo "full"; ls -l big | cut -d" " -f5', {
        limits: { tmpfsMb: 2 },
      });
      expect(r.stdout).toContain('full');
    });

    it('bounds inode count in the work dir', async () => {
      const r = await bash('for i in $(seq 1 6000); do : > f$i || { echo "stopped at $i"; break; }; done 2>/dev/null');
      expect(r.stdout).toMatch(/stopped at \d+/);
    });
  });

  describe('isolation', () => {
    let server: Server;
    let port = 0;
    beforeAll(async () => {
      server = createServer((socket) => socket.end('host-secret\n'));
      await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('has no network to an external IP', async () => {
      const r = await run(
        'python',
        'import socket\ntry:\n    socket.create_connection(("1.1.1.1", 53), timeout=2)\n    print("connected")\nexcept OSError as e:\n    print("blocked", e.errno)',
      );
      expect(r.stdout).toMatch(/^blocked/);
    });

    it('cannot reach a port on the host, by loopback or any host address', async () => {
      const hostIps = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && a.family === 'IPv4')
        .map((a) => a!.address);
      const ips = [...new Set(['127.0.0.1', '172.17.0.1', ...hostIps])];
      const code = [
        'import socket',
        `for ip in ${JSON.stringify(ips)}:`,
        '    try:',
        `        s = socket.create_connection((ip, ${port}), timeout=1)`,
        '        print("reached", ip, s.recv(100))',
        '    except OSError:',
        '        print("blocked", ip)',
      ].join('\n');
      const r = await run('python', code);
      expect(r.stdout).not.toContain('reached');
      expect(r.stdout.trim().split('\n')).toHaveLength(ips.length);
    });

    it('has no DNS', async () => {
      const r = await run(
        'python',
        'import socket\ntry:\n    print(socket.getaddrinfo("example.com", 80))\nexcept OSError:\n    print("no dns")',
      );
      expect(r.stdout).toBe('no dns\n');
    });

    it('has only loopback as a network interface', async () => {
      const r = await bash('ls /sys/class/net');
      expect(r.stdout.trim()).toBe('lo');
    });

    it('sees no variable of the host process', async () => {
      expect(process.env.SANDBOX_TEST_CANARY).toBeDefined();
      const r = await bash('env');
      expect(r.stdout).not.toContain('canary-');
      const names = r.stdout.trim().split('\n').map((line) => line.split('=')[0]);
      const allowed = new Set([...Object.keys(SANDBOX_ENV), 'PWD', 'SHLVL', '_']);
      expect(names.filter((n) => !allowed.has(n))).toEqual([]);
    });

    it('cannot read /etc/shadow', async () => {
      const r = await bash('cat /etc/shadow');
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout).toBe('');
    });

    it('cannot write outside /work and /tmp', async () => {
      const r = await bash(
        'for p in /x /etc/x /usr/x /var/x /root/x /home/x; do (: > $p) 2>/dev/null && echo "wrote $p"; done; : > /tmp/ok && echo tmp-ok',
      );
      expect(r.stdout).toBe('tmp-ok\n');
    });

    it('runs as non-root with no capabilities and no-new-privileges', async () => {
      const r = await bash('id -u; grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status');
      const [uid] = r.stdout.split('\n');
      expect(Number(uid)).not.toBe(0);
      expect(r.stdout).toMatch(/CapEff:\s+0000000000000000/);
      expect(r.stdout).toMatch(/CapPrm:\s+0000000000000000/);
      expect(r.stdout).toMatch(/NoNewPrivs:\s+1/);
      expect(r.stdout).toMatch(/Seccomp:\s+2/);
    });

    it('leaves no background process or container after exit', async () => {
      const r = await bash('(sleep 300 &) ; nohup sleep 300 >/dev/null 2>&1 & echo started');
      expect(r.stdout).toBe('started\n');
      expect(ourContainers()).toEqual([]);
    });

    it('does not show a file from one run to the next', async () => {
      await bash('echo secret > /work/left; echo secret > /tmp/left; echo secret > /dev/shm/left');
      const r = await bash('ls /work /tmp /dev/shm; cat /work/left /tmp/left /dev/shm/left 2>/dev/null; true');
      expect(r.stdout).not.toContain('left');
      expect(r.stdout).not.toContain('secret');
    });

    it('survives kill -9 -1', async () => {
      const r = await bash('sleep 30 & kill -9 -1; echo after');
      expect(r.timedOut).toBe(false);
    });

    it('sees no host process', async () => {
      const r = await bash('ps -e -o comm=');
      expect(r.stdout).not.toMatch(/dockerd|containerd|node|jest/);
    });

    it('returns valid JSON strings for invalid UTF-8 and NUL bytes', async () => {
      const r = await run('python', 'import sys\nsys.stdout.buffer.write(b"a\\xff\\xfe\\x00b\\xc3")\nsys.stderr.buffer.write(b"\\x80\\x00")');
      const back = JSON.parse(JSON.stringify(r)) as RunResult;
      expect(back.stdout).toBe(r.stdout);
      expect(Buffer.from(r.stdout, 'utf8').toString('utf8')).toBe(r.stdout);
      expect(r.stdout).toContain('\u0000');
      expect(r.stdout.startsWith('a\ufffd')).toBe(true);
      expect(r.stderr).toContain('\u0000');
    });
  });

  describe('docker specifics', () => {
    it('reports exit codes and signals', async () => {
      expect(await bash('exit 3')).toMatchObject({ exitCode: 3, signal: null });
      expect(await bash('kill -TERM $$')).toMatchObject({ exitCode: 143, signal: 'SIGTERM' });
    });

    it('has a read-only root filesystem and small tmpfs mounts without host paths', async () => {
      const r = await bash('grep -E " / | /work | /tmp " /proc/mounts; cat /proc/mounts');
      expect(r.stdout).toMatch(/ \/ overlay ro,/);
      expect(r.stdout).toMatch(/\/work tmpfs rw,nosuid,nodev,.*size=65536k,nr_inodes=4096/);
      expect(r.stdout).not.toMatch(/docker\.sock/);
    });

    it('applies the sandbox seccomp profile (io_uring, ptrace, ASLR switch-off denied)', async () => {
      const code = [
        'import ctypes',
        'libc = ctypes.CDLL(None, use_errno=True)',
        'def call(name, nr, *a):',
        '    ctypes.set_errno(0); rc = libc.syscall(nr, *a); print(name, rc, ctypes.get_errno())',
        'call("io_uring_setup", 425, 1, 0)',
        'call("ptrace", 101, 0, 0, 0, 0)',
        'call("unshare_user", 272, 0x10000000)',
        'call("clone3", 435, 0, 0)',
        'call("personality_no_aslr", 135, 0x0040000)',
        'call("personality_linux", 135, 0)',
      ].join('\n');
      const r = await run('python', code);
      expect(r.stdout.trim().split('\n')).toEqual([
        'io_uring_setup -1 1',
        'ptrace -1 1',
        'unshare_user -1 1',
        'clone3 -1 38',
        'personality_no_aslr -1 1',
        'personality_linux 0 0',
      ]);
    });

    it('runs concurrent executions independently', async () => {
      const results = await Promise.all(
        [1, 2, 3, 4].map((i) => bash(`echo ${i} > mine; sleep 0.3; cat mine`)),
      );
      expect(results.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n', '4\n']);
    });

    it('probe reports a missing image and an unknown runtime clearly', async () => {
      const missing = await new DockerBackend({ image: 'sandbox-runtime:does-not-exist' }).probe();
      expect(missing).toMatchObject({ ready: false });
      expect(missing.reason).toMatch(/image sandbox-runtime:does-not-exist not found/);
      const runtime = await new DockerBackend({ image: target.image, runtime: 'no-such-runtime' }).probe();
      expect(runtime).toMatchObject({ ready: false });
      expect(runtime.reason).toMatch(/no-such-runtime/);
    });

    it('probe reports a daemon that does not answer', async () => {
      const r = await new DockerBackend({ image: target.image, socketPath: '/nonexistent/docker.sock' }).probe();
      expect(r).toMatchObject({ ready: false });
      expect(r.reason).toMatch(/Docker daemon not answering/);
    });

    it('refuses to run as root', () => {
      expect(() => new DockerBackend({ image: target.image, user: '0:0' })).toThrow(/root/);
    });
  });
});
