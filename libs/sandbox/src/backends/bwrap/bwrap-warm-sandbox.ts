import { Socket } from 'node:net';
import { withTimeout } from '../../with-timeout';
import { Readable, Writable } from 'node:stream';
import { LauncherHandshake } from '../../pool/launcher-handshake';
import { encodeWarmFrame } from '../../pool/warm-frame';
import { WarmRuntime } from '../../pool/warm-runtime';
import { WarmOutcome, WarmSandbox } from '../../pool/warm-sandbox';
import { readyOrDestroyed } from '../../pool/ready-or-destroyed';
import { SandboxError, SandboxErrorCode } from '../../sandbox-error';
import { PreparedRun } from '../sandbox-backend';
import { DeliveryClock } from './delivery-clock';
import { BwrapChild } from './bwrap-child';
import { FD, ignoreErrors } from './bwrap-fds';
import { DonePipe, hasDonePipe } from './done-pipe';
import { BwrapStatus } from './bwrap-status';
import { drainSocket } from './drain-socket';
import { holdOutput } from './output-hold';
import { BwrapExit, bwrapResult } from './bwrap-result';
import { killBwrap, releaseIntoCgroup, signalBwrap } from './bwrap-startup';
import { NamespaceHold } from './namespace-hold';
import { RunTeardown } from './run-teardown';
import { CgroupRun } from './cgroups/cgroup-run';
import { seccompFilterBytes } from './seccomp-filter';
import { warmStartBaseline } from './warm-start-baseline';

type State = 'starting' | 'idle' | 'delivered' | 'dead';

const DESTROY_WAIT_MS = 5000;
/** Read past the output cap when draining after a report, so a truncation is still seen as one. */
const DRAIN_SLACK_BYTES = 64 * 1024;

/**
 * A cold run's very sandbox (same bwrap arguments, cgroup, seccomp, rlimits, uid, env) whose
 * command is a launcher blocked on fd 0. Its handshake is on stderr: READY_BYTE once loaded,
 * STARTED_BYTE once the delivered files are written, just before user code; everything after
 * that on stdout/stderr is the program's. The python and node launchers report the program's
 * status on FD.done once it has finished, and bwrap reports the exit status of its command on
 * FD.status as soon as it has exited: either way the run's result is then known (what it wrote
 * is in the pipes' buffers) while its interpreter and sandbox are still being torn down. bwrap
 * (and with it its namespace) is SIGKILLed once the result is on its way; once bwrap is gone,
 * release() kills whatever is left in the cgroup and removes it (the `settled` of the outcome).
 */
export class BwrapWarmSandbox implements WarmSandbox {
  private state: State = 'starting';
  private readonly handshake: LauncherHandshake;
  private ns?: NamespaceHold;
  private cpuBaselineMs = 0;
  private readonly closed: Promise<BwrapExit>;
  private readonly deathListeners: (() => void)[] = [];
  private readyWaiter?: { resolve: () => void; reject: (err: Error) => void };
  private released?: Promise<void>;
  private readonly done?: DonePipe;
  private readonly status: BwrapStatus;

  private constructor(
    readonly runtime: WarmRuntime,
    private readonly child: BwrapChild,
    private readonly cgRun: CgroupRun,
    private readonly teardown: RunTeardown,
  ) {
    const pipes = child.stdio as unknown as (Readable & Writable)[];
    pipes.forEach((s) => ignoreErrors(s));
    this.closed = new Promise((resolve) => {
      child.once('close', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null }));
    });
    this.handshake = new LauncherHandshake(
      () => this.readyWaiter?.resolve(),
      (text) => {
        this.readyWaiter?.reject(new Error(`launcher wrote ${JSON.stringify(text.slice(0, 300))}`));
        if (this.state === 'idle') this.state = 'dead';
        this.kill();
      },
    );
    child.stdout!.on('data', (c: Buffer) => this.handshake.stdout(c));
    child.stderr!.on('data', (c: Buffer) => this.handshake.stderr(c));
    if (hasDonePipe(runtime)) this.done = new DonePipe(pipes[FD.done] as unknown as Socket);
    this.status = new BwrapStatus(pipes[FD.status]);
    this.status.childPid.catch(() => undefined);
    void this.closed.then(() => this.onClose());
  }

  /** Resolves once the launcher is loaded and waiting; on any failure nothing of it is left. */
  static async start(
    runtime: WarmRuntime,
    child: BwrapChild,
    cgRun: CgroupRun,
    teardown: RunTeardown,
    setupTimeoutMs: number,
  ): Promise<BwrapWarmSandbox> {
    const sandbox = new BwrapWarmSandbox(runtime, child, cgRun, teardown);
    return readyOrDestroyed(sandbox, () => sandbox.becomeReady(setupTimeoutMs), `warm ${runtime} sandbox`);
  }

  get alive(): boolean {
    return this.state === 'idle';
  }

  onDeath(listener: () => void): void {
    this.deathListeners.push(listener);
  }

  private async becomeReady(timeoutMs: number): Promise<void> {
    const pipes = this.child.stdio as unknown as (Readable & Writable)[];
    for (let fd = hasDonePipe(this.runtime) ? FD.done + 1 : FD.firstFile; fd < pipes.length; fd++) pipes[fd]?.destroy();
    pipes[FD.seccomp].end(seccompFilterBytes());
    const ready = new Promise<void>((resolve, reject) => (this.readyWaiter = { resolve, reject }));
    const onInit = (pid: number) => {
      this.ns = NamespaceHold.take(pid);
    };
    const released = releaseIntoCgroup(this.child, this.status, pipes[FD.block], this.cgRun, onInit);
    await withTimeout(Promise.all([released, ready]), timeoutMs, `no readiness handshake within ${timeoutMs} ms`);
    this.cpuBaselineMs = await warmStartBaseline(this.cgRun);
    if (this.state !== 'starting') throw new Error(`launcher exited during start-up: ${this.handshake.launcherText || 'no output'}`);
    this.state = 'idle';
  }

  async deliver(run: PreparedRun): Promise<WarmOutcome> {
    if (this.state !== 'idle') return { kind: 'not-started', reason: `warm sandbox is ${this.state}` };
    this.state = 'delivered';
    const { stdout, stderr } = this.handshake.delivered(run.limits.outputBytes);
    const clock = new DeliveryClock(run.limits.timeoutMs, () => this.kill());
    const outputHold = holdOutput([this.child.stdout!, this.child.stderr!]);
    this.child.stdin!.end(encodeWarmFrame(run));
    const end = await Promise.race([
      this.closed.then((exit) => ({ exit, reported: false })),
      this.status.exitCode.then((code) => ({ exit: { code, signal: null }, reported: true })),
      ...(this.done ? [this.done.report.then((code) => ({ exit: { code, signal: null }, reported: true }))] : []),
    ]);
    const durationMs = clock.stop();
    const timedOut = clock.timedOut;
    let exit: BwrapExit = end.exit;
    if (!end.reported) outputHold.release();
    else {
      outputHold.cancel();
      const max = run.limits.outputBytes + DRAIN_SLACK_BYTES;
      drainSocket(this.child.stdout!, max, (c) => this.handshake.stdout(c, true));
      drainSocket(this.child.stderr!, max, (c) => this.handshake.stderr(c, true));
    }
    // The node launcher SIGKILLs itself after its report, which may not have been read yet.
    const status = this.done?.settle();
    if (status !== undefined && !timedOut) exit = { code: status, signal: null };
    if (this.handshake.ack !== 'started') {
      this.kill();
      await this.closed;
      await this.release().catch(() => undefined);
      const why = this.handshake.launcherText || `exit ${exit.code ?? exit.signal}`;
      return { kind: 'not-started', reason: `the launcher did not take the run: ${why.trim().slice(0, 300)}` };
    }
    // Read before the kill below, whose teardown on the other core slowed these reads down.
    const stats = await this.cgRun.stats();
    // After the reply is on its way (the kill syscalls cost ~0.2 ms here), and without SIGKILL
    // rounds over the cgroup meanwhile: on 2 cores they spun beside the reply. release() sweeps
    // whatever is left once bwrap is gone.
    if (end.reported) setImmediate(() => signalBwrap(this.child));
    const result = bwrapResult(exit, { stdout, stderr, timedOut, durationMs }, stats, this.cpuBaselineMs);
    if (!end.reported) {
      await this.release();
      return { kind: 'result', result };
    }
    return { kind: 'result', result, settled: this.closed.then(() => this.release()) };
  }

  async destroy(): Promise<void> {
    if (this.state !== 'delivered') this.state = 'dead';
    this.kill();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.closed, new Promise((r) => (timer = setTimeout(r, DESTROY_WAIT_MS)))]);
    clearTimeout(timer);
    await this.release();
  }

  private kill(): void {
    killBwrap(this.child, this.cgRun);
  }

  /** Every process of the cgroup gone (then the cgroup is removed in the background); once. */
  private release(): Promise<void> {
    this.released ??= (async () => {
      if (await this.teardown.finish(this.cgRun, this.ns)) return;
      throw new SandboxError(SandboxErrorCode.Internal, 'processes of the run could not be killed');
    })();
    return this.released;
  }

  private onClose(): void {
    if (this.state === 'delivered') return;
    const wasIdle = this.state === 'idle';
    this.state = 'dead';
    this.readyWaiter?.reject(new Error(`launcher exited during start-up: ${this.handshake.launcherText || 'no output'}`));
    void this.release().catch(() => undefined);
    if (wasIdle) for (const listener of this.deathListeners) listener();
  }
}
