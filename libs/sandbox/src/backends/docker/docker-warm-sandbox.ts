import type Docker from 'dockerode';
import { withTimeout } from '../../with-timeout';
import type { Container } from 'dockerode';
import type { Duplex } from 'node:stream';
import { LauncherHandshake } from '../../pool/launcher-handshake';
import { encodeWarmFrame } from '../../pool/warm-frame';
import { launcherArgv } from '../../pool/warm-launchers';
import { WarmRuntime } from '../../pool/warm-runtime';
import { WarmOutcome, WarmSandbox } from '../../pool/warm-sandbox';
import { readyOrDestroyed } from '../../pool/ready-or-destroyed';
import { RunLimits } from '../../run-spec';
import { SandboxError, SandboxErrorCode } from '../../sandbox-error';
import { PreparedRun } from '../sandbox-backend';
import { containerCreateOptions } from './container-create-options';
import { exitStatusFromCode } from './container-exit-status';
import { ContainerCgroup } from './container-cgroup';
import { ContainerExit, registerExitWait } from './container-exit-waiter';
import { DockerBackendOptions } from './docker-backend-options';
import { DockerStreamDemuxer } from './docker-stream-demuxer';
import { dockerTimestampMs } from './docker-timestamp';
import { HeldTail } from './held-tail';
import { BoundedOutput } from '../bwrap/bounded-output';

/** Marks warm containers, with the creating process's pid, so tests and operators can tell them apart. */
export const DOCKER_WARM_LABEL = 'io.sandbox-gateway.warm';

/**
 * A warm container lives at most this long (`timeout` is its PID 1), so even a crashed gateway
 * leaves nothing running for long; a run that could outlive it goes cold instead.
 */
const LIFETIME_MS = 6 * 60_000;
const READY_TIMEOUT_MS = 20_000;
const OUTPUT_DRAIN_MS = 2000;
const WAIT_GRACE_MS = 10_000;
/** How long a seen exit trailer may wait for the container's cgroup to empty before the daemon is trusted instead. */
const CONFIRM_MS = 200;

/**
 * PID 1 of a warm container. It runs the launcher under the lifetime watchdog; when that
 * ends it kills every other process (PID 1 itself cannot be killed from inside), then writes
 * a marker on stdout and the exit status on stderr, each the last bytes of its stream. The
 * host trusts the status only once the container's cgroup is empty, which is tens of ms
 * sooner than dockerd reports the exit.
 */
const SUPERVISOR = [
  // dockerd always injects HOSTNAME; the program must see exactly SANDBOX_ENV.
  'unset HOSTNAME',
  'timeout -s KILL "$0" "$@"',
  's=$?',
  'kill -9 -1 2>/dev/null',
  "printf '\\003\\n'",
  "printf '\\003%d\\n' \"$s\" >&2",
  'exit "$s"',
].join('\n');
const STDOUT_MARKER = /\x03\n$/;
const STATUS_TRAILER = /\x03(\d{1,3})\n$/;

type State = 'starting' | 'idle' | 'delivered' | 'dead';

/**
 * A cold run's very container (same create options: network none, read-only rootfs, tmpfs,
 * limits, cap-drop, seccomp, user) whose command is the language's launcher, created, attached
 * and started ahead of time. Single use: removed after its run or when destroyed.
 */
export class DockerWarmSandbox implements WarmSandbox {
  /** Removals still in progress, of containers whose run already resolved. */
  private static readonly removals = new Set<Promise<void>>();
  private state: State = 'starting';
  private readonly handshake: LauncherHandshake;
  private readonly deathListeners: (() => void)[] = [];
  private readyWaiter?: { resolve: () => void; reject: (err: Error) => void };
  private stream?: Duplex;
  private exited?: Promise<ContainerExit>;
  private outputDone?: Promise<void>;
  private removed?: Promise<void>;
  private readonly bornAt = Date.now();
  private cgroup?: ContainerCgroup;

  private constructor(
    readonly runtime: WarmRuntime,
    private readonly container: Container,
  ) {
    this.handshake = new LauncherHandshake(
      () => this.readyWaiter?.resolve(),
      (text) => {
        this.readyWaiter?.reject(new Error(`launcher wrote ${JSON.stringify(text.slice(0, 300))}`));
        if (this.state === 'idle') this.state = 'dead';
        void this.container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
      },
    );
  }

  static async start(docker: Docker, options: DockerBackendOptions, runtime: WarmRuntime, limits: RunLimits): Promise<DockerWarmSandbox> {
    const cmd = ['/bin/sh', '-c', SUPERVISOR, `${Math.ceil(LIFETIME_MS / 1000)}s`, ...launcherArgv(runtime)];
    const create = containerCreateOptions(options, limits, cmd);
    create.Labels = { ...create.Labels, [DOCKER_WARM_LABEL]: String(process.pid) };
    let container: Container;
    try {
      container = await docker.createContainer(create);
    } catch (e) {
      throw new SandboxError(SandboxErrorCode.Unavailable, `docker backend cannot create a warm container: ${(e as Error).message}`);
    }
    const sandbox = new DockerWarmSandbox(runtime, container);
    return readyOrDestroyed(sandbox, () => sandbox.becomeReady(), `warm ${runtime} container`);
  }

  /** Resolves once every container handed out earlier is removed (their removal outlives the run). */
  static async drain(): Promise<void> {
    while (DockerWarmSandbox.removals.size > 0) await Promise.all(DockerWarmSandbox.removals);
  }

  get alive(): boolean {
    return this.state === 'idle';
  }

  onDeath(listener: () => void): void {
    this.deathListeners.push(listener);
  }

  private async becomeReady(): Promise<void> {
    const stream = (await this.container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
    this.stream = stream;
    const demuxer = new DockerStreamDemuxer(
      (payload) => this.handshake.stdout(payload, true),
      (payload) => this.handshake.stderr(payload, true),
    );
    this.outputDone = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => demuxer.write(chunk));
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.on('error', () => resolve());
    });
    const ready = new Promise<void>((resolve, reject) => (this.readyWaiter = { resolve, reject }));
    const { exited } = await registerExitWait(this.container);
    this.exited = exited;
    exited.then(
      () => this.onExit(),
      () => this.onExit(),
    );
    await this.container.start();
    this.cgroup = ContainerCgroup.find(this.container.id);
    await withTimeout(ready, READY_TIMEOUT_MS, `no readiness handshake within ${READY_TIMEOUT_MS} ms`);
    if (this.state !== 'starting') throw new Error(`launcher exited during start-up: ${this.handshake.launcherText || 'no output'}`);
    this.state = 'idle';
  }

  async deliver(run: PreparedRun): Promise<WarmOutcome> {
    if (this.state !== 'idle') return { kind: 'not-started', reason: `warm container is ${this.state}` };
    if (Date.now() - this.bornAt + run.limits.timeoutMs + WAIT_GRACE_MS > LIFETIME_MS) {
      await this.destroy();
      return { kind: 'not-started', reason: 'warm container too old for this timeout' };
    }
    this.state = 'delivered';
    const stdout = new BoundedOutput(run.limits.outputBytes);
    const stderr = new BoundedOutput(run.limits.outputBytes);
    const heldOut = new HeldTail(stdout);
    const heldErr = new HeldTail(stderr);
    const fastExit = this.watchTrailer(heldOut, heldErr);
    const wallStart = Date.now();
    const clockStart = performance.now();
    this.stream!.end(encodeWarmFrame(run));
    let kill: Promise<boolean> | undefined;
    const timer = setTimeout(() => {
      kill = this.container.kill({ signal: 'SIGKILL' }).then(
        () => true,
        () => false, // already stopped: it beat the clock
      );
    }, run.limits.timeoutMs);
    let giveUp: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      giveUp = setTimeout(() => reject(new Error('docker did not report the container exit')), run.limits.timeoutMs + WAIT_GRACE_MS);
    });
    let statusCode: number;
    let fast = false;
    try {
      ({ statusCode, fast } = await Promise.race([
        this.exited!.then((e) => ({ statusCode: e.statusCode, fast: false })),
        fastExit.then((code) => ({ statusCode: code, fast: true })),
        deadline,
      ]));
    } catch (e) {
      this.removeLater();
      throw new SandboxError(SandboxErrorCode.Internal, `docker run failed: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
      clearTimeout(giveUp);
    }
    const clockMs = performance.now() - clockStart;
    const timedOut = kill ? await kill : false;
    // Fast: the cgroup is empty and both markers arrived, so all output is in; else ask the daemon.
    let oomKilled = fast ? this.cgroup?.oomKilled() : undefined;
    let state: { FinishedAt?: string; OOMKilled?: boolean } | undefined;
    if (!fast || oomKilled === undefined) {
      [state] = await Promise.all([
        this.container.inspect().then(
          (info) => info.State,
          () => undefined,
        ),
        fast ? undefined : settleWithin(this.outputDone!, OUTPUT_DRAIN_MS),
      ]);
      oomKilled = state?.OOMKilled === true;
    }
    this.removeLater();
    heldOut.finish(STDOUT_MARKER);
    heldErr.finish(STATUS_TRAILER);
    // As for cold runs: the daemon's exit time, without our notification latency, when plausible.
    const daemonMs = dockerTimestampMs(state?.FinishedAt) - wallStart;
    const durationMs = Math.round(Number.isFinite(daemonMs) && daemonMs >= 0 && daemonMs <= clockMs ? daemonMs : clockMs);
    if (this.handshake.ack !== 'started') {
      const why = this.handshake.launcherText || `exit ${statusCode}`;
      return { kind: 'not-started', reason: `the launcher did not take the run: ${why.trim().slice(0, 300)}` };
    }
    return {
      kind: 'result',
      result: {
        ...exitStatusFromCode(statusCode, timedOut),
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
        timedOut,
        oomKilled,
        durationMs,
      },
    };
  }

  /**
   * Resolves with the supervisor's exit status once both streams end with its markers and the
   * container's cgroup is empty (every process gone, so all output has arrived). A program
   * that forges the markers gains nothing: its own processes keep the cgroup non-empty.
   */
  private watchTrailer(heldOut: HeldTail, heldErr: HeldTail): Promise<number> {
    return new Promise((resolve) => {
      let confirming = false;
      const check = () => {
        const cgroup = this.cgroup;
        if (confirming || !cgroup || !STDOUT_MARKER.test(heldOut.tail)) return;
        const status = STATUS_TRAILER.exec(heldErr.tail);
        if (!status) return;
        confirming = true;
        void (async () => {
          const until = performance.now() + CONFIRM_MS;
          while (performance.now() < until) {
            if (cgroup.empty()) return resolve(Number(status[1]));
            await new Promise((r) => setTimeout(r, 1));
          }
          confirming = false;
        })();
      };
      this.handshake.deliveredTo({
        stdout: { push: (c) => (heldOut.push(c), check()) },
        stderr: { push: (c) => (heldErr.push(c), check()) },
      });
    });
  }

  async destroy(): Promise<void> {
    if (this.state !== 'delivered') this.state = 'dead';
    this.removeLater();
    await this.removed;
  }

  /** The container exited, so every process of it is gone; deleting it need not hold up the run. */
  private removeLater(): void {
    if (this.removed) return;
    this.stream?.destroy();
    const removal: Promise<void> = removeContainer(this.container).finally(() => DockerWarmSandbox.removals.delete(removal));
    DockerWarmSandbox.removals.add(removal);
    this.removed = removal;
  }

  private onExit(): void {
    if (this.state === 'delivered') return;
    const wasIdle = this.state === 'idle';
    this.state = 'dead';
    this.readyWaiter?.reject(new Error(`launcher exited during start-up: ${this.handshake.launcherText || 'no output'}`));
    this.removeLater();
    if (wasIdle) for (const listener of this.deathListeners) listener();
  }
}

async function removeContainer(container: Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    if (status === 409) await container.wait({ condition: 'removed' }).catch(() => undefined);
  }
}

async function settleWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([promise, elapsed]);
  } finally {
    clearTimeout(timer);
  }
}
