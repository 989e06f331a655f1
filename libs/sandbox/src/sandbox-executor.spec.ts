import { PreparedRun, SandboxBackend } from './backends/sandbox-backend';
import { DEFAULT_LIMITS_TABLE } from './limits';
import { BackendHealth, RunResult } from './run-spec';
import { SandboxErrorCode } from './sandbox-error';
import { SandboxExecutor } from './sandbox-executor';

/** Stand-in backends: the executor's selection and queueing are under test here, not a sandbox. */
class StubBackend implements SandboxBackend {
  runs: PreparedRun[] = [];
  probes = 0;
  constructor(
    readonly name: 'bwrap' | 'docker',
    private readonly health: BackendHealth,
    private readonly delayMs = 0,
  ) {}
  async probe(): Promise<BackendHealth> {
    this.probes++;
    return this.health;
  }
  async execute(run: PreparedRun): Promise<RunResult> {
    this.runs.push(run);
    await new Promise((r) => setTimeout(r, this.delayMs));
    const out = run.argv[0] === 'python3' ? 'Python 3.13.5\n' : run.argv[0] === 'node' ? 'v20.19.2\n' : 'GNU bash, version 5.2.37(1)-release\n';
    return {
      exitCode: 0,
      signal: null,
      stdout: out,
      stderr: '',
      stdoutTruncated: false,
      stderrTruncated: false,
      timedOut: false,
      oomKilled: false,
      durationMs: this.delayMs,
    };
  }
}

const ready = (name: 'bwrap' | 'docker') => new StubBackend(name, { backend: name, ready: true });
const down = (name: 'bwrap' | 'docker', reason: string) => new StubBackend(name, { backend: name, ready: false, reason });
const spec = { language: 'python' as const, code: 'print(1)', limits: DEFAULT_LIMITS_TABLE.defaults };

describe('SandboxExecutor', () => {
  it('auto picks the first ready backend in order', async () => {
    const docker = down('docker', 'no daemon');
    const bwrap = ready('bwrap');
    const ex = new SandboxExecutor({ backends: [docker, bwrap] });
    await ex.run(spec);
    expect(bwrap.runs).toHaveLength(1);
    expect(await ex.health()).toEqual({ backend: 'bwrap', ready: true });
  });

  it('prefers Docker when it is ready', async () => {
    const docker = ready('docker');
    const bwrap = ready('bwrap');
    await new SandboxExecutor({ backends: [docker, bwrap] }).run(spec);
    expect(docker.runs).toHaveLength(1);
    expect(bwrap.runs).toHaveLength(0);
  });

  it('answers unavailable with every reason when nothing is usable, never running the code', async () => {
    const ex = new SandboxExecutor({ backends: [down('docker', 'no daemon'), down('bwrap', 'no rootfs')] });
    await expect(ex.run(spec)).rejects.toMatchObject({ code: SandboxErrorCode.Unavailable });
    await expect(ex.run(spec)).rejects.toThrow(/docker: no daemon; bwrap: no rootfs/);
    expect(await ex.health()).toMatchObject({ ready: false });
  });

  it('skips a backend whose probe hangs', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      const hung: SandboxBackend = { name: 'docker', probe: () => new Promise(() => undefined), execute: () => Promise.reject(new Error('never')) };
      const bwrap = ready('bwrap');
      const ex = new SandboxExecutor({ backends: [hung, bwrap] });
      const selected = ex.backend();
      await jest.advanceTimersByTimeAsync(15_000);
      expect(await selected).toBe(bwrap);
    } finally {
      jest.useRealTimers();
    }
  });

  it('honours an explicit backend choice', async () => {
    const docker = ready('docker');
    const ex = new SandboxExecutor({ backends: [docker], backend: 'bwrap' });
    await expect(ex.run(spec)).rejects.toMatchObject({ code: SandboxErrorCode.Unavailable });
    expect(docker.runs).toHaveLength(0);
  });

  it('refuses limits above the table before anything runs', async () => {
    const bwrap = ready('bwrap');
    const ex = new SandboxExecutor({ backends: [bwrap] });
    await expect(ex.run({ ...spec, limits: { ...spec.limits, memoryMb: 4096 } })).rejects.toMatchObject({
      code: SandboxErrorCode.LimitExceeded,
    });
    expect(bwrap.runs).toHaveLength(0);
  });

  it('answers capacity at once when the queue is full', async () => {
    const slow = new StubBackend('bwrap', { backend: 'bwrap', ready: true }, 200);
    const ex = new SandboxExecutor({ backends: [slow], maxConcurrency: 1, maxQueue: 1 });
    const first = ex.run(spec);
    const second = ex.run(spec);
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await expect(ex.run(spec)).rejects.toMatchObject({ code: SandboxErrorCode.Capacity });
    expect(Date.now() - started).toBeLessThan(50);
    await Promise.all([first, second]);
  });

  it('returns an esbuild compile error without touching a backend', async () => {
    const bwrap = ready('bwrap');
    const r = await new SandboxExecutor({ backends: [bwrap] }).run({ ...spec, language: 'typescript', code: 'namespace N { let = ; }' });
    expect(r.exitCode).toBe(1);
    expect(bwrap.runs).toHaveLength(0);
  });

  it('asks runtimes once and caches them', async () => {
    const bwrap = ready('bwrap');
    const ex = new SandboxExecutor({ backends: [bwrap] });
    const rt = await ex.runtimes();
    await ex.runtimes();
    expect(bwrap.runs.map((r) => r.argv)).toEqual([['python3', '--version'], ['node', '--version'], ['bash', '--version']]);
    expect(Object.fromEntries(rt.map((r) => [r.language, r.version]))).toEqual({
      python: '3.13.5',
      javascript: '20.19.2',
      typescript: expect.stringMatching(/^sucrase \d+\.\d+\.\d+ \(esbuild \d+\.\d+\.\d+ for what sucrase cannot\) on node 20\.19\.2$/),
      bash: '5.2.37',
    });
  });
});
