import type Docker from 'dockerode';
import type { Container } from 'dockerode';
import type { Duplex } from 'node:stream';
import { LauncherHandshake } from '../../pool/launcher-handshake';
import { encodeWarmFrame } from '../../pool/warm-frame';
import { launcherArgv } from '../../pool/warm-launchers';
import { WarmRuntime } from '../../pool/warm-runtime';
import { WarmOutcome, WarmSandbox } from '../../pool/warm-sandbox';
import { RunLimits } from '../../run-spec';
import { SandboxError, SandboxErrorCode } from '../../sandbox-error';
import { PreparedRun } from '../sandbox-backend';
import { containerCreateOptions } from './container-create-options';
import { exitStatusFromCode } from './container-exit-status';
import { ContainerExit, registerExitWait } from './container-exit-waiter';
import { DockerBackendOptions } from './docker-backend-options';
import { DockerStreamDemuxer } from './docker-stream-demuxer';
import { dockerTimestampMs } from './docker-timestamp';

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
    const cmd = [
      '/bin/sh',
      '-c',
      // dockerd always injects HOSTNAME; the program must see exactly SANDBOX_ENV.
      'unset HOSTNAME; exec timeout -s KILL "$0" "$@"',
      `${Math.ceil(LIFETIME_MS / 1000)}s`,
      ...launcherArgv(runtime),
    ];
    const create = containerCreateOptions(options, limits, cmd);
    create.Labels = { ...create.Labels, [DOCKER_WARM_LABEL]: String(process.pid) };
    let container: Container;
    try {
      container = await docker.createContainer(create);
    } catch (e) {
      throw new SandboxError(SandboxErrorCode.Unavailable, `docker backend cannot create a warm container: ${(e as Error).message}`);
    }
    const sandbox = new DockerWarmSandbox(runtime, container);
    try {
      await sandbox.becomeReady();
    } catch (e) {
      await sandbox.destroy();
      throw new SandboxError(SandboxErrorCode.Internal, `warm ${runtime} container did not start: ${(e as Error).message}`);
    }
    return sandbox;
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
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no readiness handshake within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
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
    const { stdout, stderr } = this.handshake.delivered(run.limits.outputBytes);
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
    try {
      statusCode = (await Promise.race([this.exited!, deadline])).statusCode;
    } catch (e) {
      this.removeLater();
      throw new SandboxError(SandboxErrorCode.Internal, `docker run failed: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
      clearTimeout(giveUp);
    }
    const clockMs = performance.now() - clockStart;
    const timedOut = kill ? await kill : false;
    const [state] = await Promise.all([
      this.container.inspect().then(
        (info) => info.State,
        () => undefined,
      ),
      settleWithin(this.outputDone!, OUTPUT_DRAIN_MS),
    ]);
    this.removeLater();
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
        oomKilled: state?.OOMKilled === true,
        durationMs,
      },
    };
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
