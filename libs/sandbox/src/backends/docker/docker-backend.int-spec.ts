/**
 * Docker-specific cases only: the hostile cases common to every backend run on Docker
 * through libs/sandbox/test/hostile.int-spec.ts (docker is in its backend list).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:net';
import { resolveLimits } from '../../limits';
import { prepareRun } from '../../prepare-run';
import { Language, RunFile, RunLimits, RunResult } from '../../run-spec';
import { launcherInvocation } from './container-launcher';
import { DOCKER_OWNER_LABEL, ownerLabelValue } from './container-owner';
import { DockerBackend } from './docker-backend';
import { announceDockerSkip, dockerTestOptions, dockerTestTarget } from './docker-test-target';

const target = dockerTestTarget();
announceDockerSkip(target, 'docker backend integration');
const describeDocker = target.unavailable ? describe.skip : describe;

const RUN_LABEL = 'io.sandbox-gateway.test-run';
const runId = randomUUID();
const backend = new DockerBackend(dockerTestOptions({ labels: { [RUN_LABEL]: runId } }));

async function run(
  language: Language,
  code: string,
  extra: { stdin?: string; files?: RunFile[]; limits?: Partial<RunLimits> } = {},
): Promise<RunResult> {
  const limits = { ...resolveLimits(), timeoutMs: 5000, ...extra.limits };
  const prepared = await prepareRun({ language, code, stdin: extra.stdin, files: extra.files, limits });
  if (prepared.kind !== 'run') throw new Error(`did not prepare: ${prepared.result.stderr}`);
  return backend.execute(prepared.run);
}

const bash = (code: string, extra?: Parameters<typeof run>[2]) => run('bash', code, extra);

function forceRemove(ids: string[]): void {
  try {
    execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

function containersLabelled(value: string): string[] {
  const out = execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=${RUN_LABEL}=${value}`]).toString();
  return out.split('\n').filter(Boolean);
}

describeDocker(`DockerBackend on ${target.image}${target.runtime ? ` (${target.runtime})` : ''}`, () => {
  jest.setTimeout(60_000);

  // Every case must leave the backend healthy and no container behind.
  afterEach(async () => {
    const hello = await bash('echo hello');
    expect(hello).toMatchObject({ exitCode: 0, stdout: 'hello\n', timedOut: false });
    expect(containersLabelled(runId)).toEqual([]);
  });

  afterAll(() => {
    const left = containersLabelled(runId);
    if (left.length) forceRemove(left);
  });

  describe('probe', () => {
    it('is ready with daemon and image', async () => {
      expect(await backend.probe()).toEqual({ backend: 'docker', ready: true });
    });

    it('reports a missing image and an unknown runtime clearly', async () => {
      const missing = await new DockerBackend({ image: 'sandbox-runtime:does-not-exist' }).probe();
      expect(missing).toMatchObject({ backend: 'docker', ready: false });
      expect(missing.reason).toMatch(/image sandbox-runtime:does-not-exist not found/);
      const runtime = await new DockerBackend({ image: target.image, runtime: 'no-such-runtime' }).probe();
      expect(runtime).toMatchObject({ ready: false });
      expect(runtime.reason).toMatch(/no-such-runtime/);
    });

    it('refuses an image that declares volumes (they would be host directories)', async () => {
      const tag = `sandbox-test-volumes:${runId.slice(0, 8)}`;
      execFileSync('docker', ['import', '--change', 'VOLUME /data', '-', tag], { input: Buffer.alloc(1024), stdio: ['pipe', 'ignore', 'ignore'] });
      try {
        const r = await new DockerBackend({ image: tag }).probe();
        expect(r).toMatchObject({ ready: false });
        expect(r.reason).toMatch(/declares volumes \(\/data\)/);
      } finally {
        execFileSync('docker', ['rmi', tag], { stdio: 'ignore' });
      }
    });

    it('reports a daemon that does not answer', async () => {
      const r = await new DockerBackend({ image: target.image, socketPath: '/nonexistent/docker.sock' }).probe();
      expect(r).toMatchObject({ ready: false });
      expect(r.reason).toMatch(/Docker daemon not answering/);
    });

    it('execute fails with unavailable, never runs code elsewhere, when the daemon is gone', async () => {
      const gone = new DockerBackend({ image: target.image, socketPath: '/nonexistent/docker.sock' });
      const prepared = await prepareRun({ language: 'bash', code: 'echo x', limits: resolveLimits() });
      if (prepared.kind !== 'run') throw new Error('did not prepare');
      await expect(gone.execute(prepared.run)).rejects.toMatchObject({ code: 'unavailable' });
    });
  });

  describe('container lifecycle', () => {
    it('removes the container even when a background process outlives the program', async () => {
      const r = await bash('(sleep 300 &) ; nohup sleep 300 >/dev/null 2>&1 & echo started');
      expect(r.stdout).toBe('started\n');
      expect(containersLabelled(runId)).toEqual([]);
    });

    it('removes the container after a timeout kill', async () => {
      const r = await run('javascript', 'while (true) {}', { limits: { timeoutMs: 1000 } });
      expect(r).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
      expect(r.durationMs).toBeGreaterThanOrEqual(950);
      expect(r.durationMs).toBeLessThan(3000);
      expect(containersLabelled(runId)).toEqual([]);
    });

    it('runs concurrent executions in separate containers', async () => {
      const results = await Promise.all([1, 2, 3, 4].map((i) => bash(`echo ${i} > mine; sleep 0.3; cat mine`)));
      expect(results.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n', '4\n']);
    });

    it('removes leftovers of a crashed process, scoped by its labels and age', async () => {
      const crashed = `${runId}-crashed`;
      const id = execFileSync('docker', [
        'create',
        '--label', 'io.sandbox-gateway.backend=docker',
        '--label', `${RUN_LABEL}=${crashed}`,
        target.image,
        'true',
      ]).toString().trim();
      try {
        const reaper = new DockerBackend(dockerTestOptions({ labels: { [RUN_LABEL]: crashed } }));
        expect(await reaper.removeLeftovers(60_000)).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 1100));
        expect(await reaper.removeLeftovers(0)).toBe(1);
        expect(containersLabelled(crashed)).toEqual([]);
      } finally {
        forceRemove([id]);
      }
    });

    it('removes at once the containers of a process that is gone', async () => {
      const crashed = `${runId}-dead-owner`;
      const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
      const owner = ownerLabelValue().replace(/\/\d+$/, `/${deadPid}`);
      const id = execFileSync('docker', [
        'create',
        '--label', 'io.sandbox-gateway.backend=docker',
        '--label', `${RUN_LABEL}=${crashed}`,
        '--label', `${DOCKER_OWNER_LABEL}=${owner}`,
        target.image,
        'true',
      ]).toString().trim();
      try {
        const reaper = new DockerBackend(dockerTestOptions({ labels: { [RUN_LABEL]: crashed } }));
        expect(await reaper.removeLeftovers()).toBe(1);
        expect(containersLabelled(crashed)).toEqual([]);
      } finally {
        forceRemove([id]);
      }
    });

    it('has an in-container watchdog that kills the program if the gateway dies', async () => {
      // The launcher alone, as `docker run -d` would start it with nobody watching.
      const limits = resolveLimits();
      const { cmd } = launcherInvocation({ argv: ['sleep', '300'], files: [], limits }, 1000);
      const orphan = `${runId}-orphan`;
      const id = execFileSync('docker', ['run', '-d', '--label', `${RUN_LABEL}=${orphan}`, '--network', 'none', target.image, ...cmd])
        .toString()
        .trim();
      try {
        const status = execFileSync('docker', ['wait', id], { timeout: 10_000 }).toString().trim();
        expect(status).toBe('137');
      } finally {
        forceRemove([id]);
      }
    });
  });

  describe('exit status', () => {
    it('reports exit codes, and 128+n as signal n like the bwrap backend', async () => {
      expect(await bash('exit 3')).toMatchObject({ exitCode: 3, signal: null });
      expect(await bash('kill -TERM $$')).toMatchObject({ exitCode: 143, signal: 'SIGTERM' });
    });

    it('flags an OOM kill from the container state', async () => {
      const r = await run('python', 'x = []\nwhile True:\n    x.append(bytearray(10 * 1024 * 1024))', {
        limits: { memoryMb: 64 },
      });
      expect(r).toMatchObject({ oomKilled: true, timedOut: false, exitCode: 137, signal: 'SIGKILL' });
    });
  });

  describe('launcher (files through stdin)', () => {
    it('writes nested, unicode and empty files, and hands the rest of stdin to the program', async () => {
      const r = await bash('cat data.txt; cat lib/deep/x.txt; wc -c < empty; cat; pwd', {
        files: [
          { name: 'data.txt', content: 'héllo ✓\n' },
          { name: 'lib/deep/x.txt', content: 'nested\n' },
          { name: 'empty', content: '' },
        ],
        stdin: 'the stdin\n',
      });
      expect(r.stdout).toBe('héllo ✓\nnested\n0\nthe stdin\n/work\n');
    });

    it('keeps stdin exact after a large file', async () => {
      const big = 'x'.repeat(300_000);
      const r = await run('python', 'import sys\nprint(len(open("big.txt").read()), sys.stdin.read())', {
        files: [{ name: 'big.txt', content: big }],
        stdin: 'tail',
      });
      expect(r.stdout).toBe('300000 tail\n');
    });

    it('leaves no trace of the HOSTNAME dockerd injects, and only the watchdog beside the program', async () => {
      const r = await bash('printenv HOSTNAME || echo "no HOSTNAME"; ps -e -o pid=,comm= | sort -n | tr -s " \\n" "  "');
      expect(r.stdout).toMatch(/^no HOSTNAME\n 1 timeout \d+ bash /);
    });
  });

  describe('container configuration', () => {
    let server: Server;
    let port = 0;
    beforeAll(async () => {
      server = createServer((socket) => socket.end('host-secret\n'));
      await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('has only loopback and cannot reach the docker bridge gateway', async () => {
      const code = [
        'import os, socket',
        'print(sorted(os.listdir("/sys/class/net")))',
        'try:',
        `    socket.create_connection(("172.17.0.1", ${port}), timeout=1); print("reached")`,
        'except OSError:',
        '    print("blocked")',
      ].join('\n');
      const r = await run('python', code);
      expect(r.stdout).toBe("['lo']\nblocked\n");
    });

    it('has a read-only root, capped tmpfs mounts and no docker socket', async () => {
      const r = await bash('cat /proc/mounts; ls -la /var/run /run 2>/dev/null; cat /proc/self/cgroup');
      expect(r.stdout).toMatch(/ \/ overlay ro,/);
      expect(r.stdout).toMatch(/ \/work tmpfs rw,nosuid,nodev,.*size=65536k,nr_inodes=4096/);
      expect(r.stdout).toMatch(/ \/tmp tmpfs rw,nosuid,nodev,.*size=65536k,nr_inodes=4096/);
      expect(r.stdout).not.toMatch(/docker\.sock/);
      // Private cgroup namespace: the host's cgroup tree (docker/<id>) is not visible.
      expect(r.stdout).toMatch(/^\d+:memory:\/$/m);
      expect(r.stdout).not.toMatch(/:\/docker\//);
    });

    it('bounds the inode count of the work dir', async () => {
      const r = await bash('for i in $(seq 1 6000); do : > f$i || { echo "stopped at $i"; break; }; done 2>/dev/null');
      expect(r.stdout).toMatch(/stopped at \d+/);
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

    it('refuses to run as root or without a CPU limit', () => {
      expect(() => new DockerBackend({ image: target.image, user: '0:0' })).toThrow(/root/);
      expect(() => new DockerBackend({ image: target.image, cpus: 0 })).toThrow(/cpus/);
    });
  });
});
