import { LauncherHandshake } from '../../../pool/launcher-handshake';
import { withTimeout } from '../../../with-timeout';
import { encodeWarmFrame } from '../../../pool/warm-frame';
import { WarmOutcome, WarmSandbox } from '../../../pool/warm-sandbox';
import { readyOrDestroyed } from '../../../pool/ready-or-destroyed';
import { SandboxError, SandboxErrorCode } from '../../../sandbox-error';
import { PreparedRun } from '../../sandbox-backend';
import { DeliveryClock } from '../delivery-clock';
import { ignoreErrors } from '../bwrap-fds';
import { BwrapExit, bwrapResult } from '../bwrap-result';
import { CgroupRun } from '../cgroups/cgroup-run';
import { DonePipe } from '../done-pipe';
import { drainSocket } from '../drain-socket';
import { holdOutput } from '../output-hold';
import { NamespaceHold } from '../namespace-hold';
import { RunTeardown } from '../run-teardown';
import { warmStartBaseline } from '../warm-start-baseline';
import { ZygoteChild } from './python-zygote';

type State = 'starting' | 'idle' | 'delivered' | 'dead';

const DESTROY_WAIT_MS = 5000;
const EXIT_GRACE_MS = 50;
/** How long an exit report may lag behind the child's empty cgroup before the zygote is distrusted. */
const REPORT_WAIT_MS = 2000;
/** Read past the output cap when draining after a report, so a truncation is still seen as one. */
const DRAIN_SLACK_BYTES = 64 * 1024;

/**
 * A warm Python sandbox forked from a zygote (see pythonZygoteSource): its own cgroup (limits,
 * CPU and memory counted as for any run), namespaces, mounts and pipes. It speaks the python
 * launcher's handshake, so delivery is a warm bwrap sandbox's; the run ends at the launcher's
 * done report, or once the zygote reaped the child. Killing it is killing its cgroup.
 */
export class ZygoteWarmSandbox implements WarmSandbox {
  readonly runtime = 'python' as const;
  private state: State = 'starting';
  private readonly handshake: LauncherHandshake;
  private readonly done: DonePipe;
  private ns?: NamespaceHold;
  private cpuBaselineMs = 0;
  private readonly deathListeners: (() => void)[] = [];
  private readyWaiter?: { resolve: () => void; reject: (err: Error) => void };
  private released?: Promise<void>;

  private constructor(
    private readonly child: ZygoteChild,
    private readonly cgRun: CgroupRun,
    private readonly teardown: RunTeardown,
  ) {
    [child.stdin, child.stdout, child.stderr, child.done].forEach((s) => ignoreErrors(s));
    this.handshake = new LauncherHandshake(
      () => this.readyWaiter?.resolve(),
      (text) => {
        this.readyWaiter?.reject(new Error(`launcher wrote ${JSON.stringify(text.slice(0, 300))}`));
        if (this.state === 'idle') this.state = 'dead';
        this.kill();
      },
    );
    child.stdout.on('data', (c: Buffer) => this.handshake.stdout(c));
    child.stderr.on('data', (c: Buffer) => this.handshake.stderr(c));
    this.done = new DonePipe(child.done);
    void child.exited.then(() => this.onExit());
  }

  /** Puts the forked child in its cgroup, lets it set itself up, and resolves once its launcher waits. */
  static async start(child: ZygoteChild, cgRun: CgroupRun, teardown: RunTeardown, setupTimeoutMs: number): Promise<ZygoteWarmSandbox> {
    const sandbox = new ZygoteWarmSandbox(child, cgRun, teardown);
    return readyOrDestroyed(sandbox, () => sandbox.becomeReady(setupTimeoutMs), 'warm python sandbox');
  }

  get alive(): boolean {
    return this.state === 'idle';
  }

  onDeath(listener: () => void): void {
    this.deathListeners.push(listener);
  }

  private async becomeReady(timeoutMs: number): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => (this.readyWaiter = { resolve, reject }));
    ready.catch(() => undefined);
    const setUp = async () => {
      // Until the zygote reaps it, the child's pid cannot name another process.
      if (!this.child.held()) throw new Error('the forked child is gone');
      await this.cgRun.attach(this.child.hostPid);
      this.child.stdin.write('G');
      await ready;
    };
    await withTimeout(setUp(), timeoutMs, `no readiness handshake within ${timeoutMs} ms`);
    if (this.state !== 'starting') throw new Error(`launcher exited during start-up: ${this.handshake.launcherText || 'no output'}`);
    if (this.child.held()) this.ns = NamespaceHold.take(this.child.hostPid);
    this.cpuBaselineMs = await warmStartBaseline(this.cgRun);
    if (this.state !== 'starting') throw new Error(`launcher exited during start-up: ${this.handshake.launcherText || 'no output'}`);
    this.state = 'idle';
  }

  async deliver(run: PreparedRun): Promise<WarmOutcome> {
    if (this.state !== 'idle') return { kind: 'not-started', reason: `warm sandbox is ${this.state}` };
    this.state = 'delivered';
    const { stdout, stderr } = this.handshake.delivered(run.limits.outputBytes);
    const clock = new DeliveryClock(run.limits.timeoutMs, () => this.kill());
    const outputHold = holdOutput([this.child.stdout, this.child.stderr]);
    this.child.stdin.end(encodeWarmFrame(run));
    const exit: BwrapExit = await Promise.race([this.child.exited, this.done.report.then((code) => ({ code, signal: null }))]);
    outputHold.cancel();
    const durationMs = clock.stop();
    const timedOut = clock.timedOut;
    const max = run.limits.outputBytes + DRAIN_SLACK_BYTES;
    drainSocket(this.child.stdout, max, (c) => this.handshake.stdout(c, true));
    drainSocket(this.child.stderr, max, (c) => this.handshake.stderr(c, true));
    const status = this.done.settle();
    const final: BwrapExit = status !== undefined && !timedOut ? { code: status, signal: null } : exit;
    if (this.handshake.ack !== 'started') {
      this.kill();
      await this.teardownRun().catch(() => undefined);
      const why = this.handshake.launcherText || `exit ${exit.code ?? exit.signal}`;
      return { kind: 'not-started', reason: `the launcher did not take the run: ${why.trim().slice(0, 300)}` };
    }
    const stats = await this.cgRun.stats();
    const result = bwrapResult(final, { stdout, stderr, timedOut, durationMs }, stats, this.cpuBaselineMs);
    // After a report the program is ending on its own: the cgroup is swept once it has (no kill
    // rounds beside the reply), or after EXIT_GRACE_MS if a forged report left it running (its
    // slot stays held; only its reported CPU and memory miss those few ms).
    const ended = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, EXIT_GRACE_MS);
      void this.child.exited.then(() => (clearTimeout(timer), resolve()));
    });
    const settled = ended.then(() => this.teardownRun());
    return { kind: 'result', result, settled };
  }

  async destroy(): Promise<void> {
    if (this.state !== 'delivered') this.state = 'dead';
    // A child still waiting for `G` is not in its cgroup yet: its stdin's EOF ends it.
    this.child.stdin.destroy();
    this.kill();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.child.exited, new Promise((r) => (timer = setTimeout(r, DESTROY_WAIT_MS)))]);
    clearTimeout(timer);
    await this.teardownRun();
  }

  private kill(): void {
    void this.cgRun.killAll(1000);
  }

  /** Every process of the cgroup gone (then the cgroup is removed in the background); once. */
  private teardownRun(): Promise<void> {
    this.released ??= (async () => {
      [this.child.stdin, this.child.stdout, this.child.stderr].forEach((s) => s.destroy());
      if (await this.teardown.finish(this.cgRun, this.ns)) {
        // Its cgroup is empty, so the zygote's report is on its way: then the zygote knows it is gone.
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, REPORT_WAIT_MS)));
        if ((await Promise.race([this.child.exited.then(() => 'reported'), late])) !== 'reported') this.child.forget();
        clearTimeout(timer);
        return;
      }
      throw new SandboxError(SandboxErrorCode.Internal, 'processes of the run could not be killed');
    })();
    return this.released;
  }

  private onExit(): void {
    if (this.state === 'delivered') return;
    const wasIdle = this.state === 'idle';
    this.state = 'dead';
    this.readyWaiter?.reject(new Error(`launcher exited during start-up: ${this.handshake.launcherText || 'no output'}`));
    void this.teardownRun().catch(() => undefined);
    if (wasIdle) for (const listener of this.deathListeners) listener();
  }
}
