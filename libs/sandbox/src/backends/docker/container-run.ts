import type { Container } from 'dockerode';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { RunLimits, RunResult } from '../../run-spec';
import { BoundedOutput } from '../bwrap/bounded-output';
import { ContainerExit, registerExitWait } from './container-exit-waiter';
import { exitStatusFromCode } from './container-exit-status';
import { DockerStreamDemuxer } from './docker-stream-demuxer';
import { dockerTimestampMs } from './docker-timestamp';
import { keepingCopies } from './output-sink';

/** After exit, output still in flight is read for at most this long. */
const OUTPUT_DRAIN_MS = 2000;
/** If the daemon never reports the exit, give up this long after the timeout. */
const WAIT_GRACE_MS = 10000;

/**
 * Where durationMs starts: `container` = the container's own start (its launcher is the
 * program's only predecessor); `payload` = when the payload was written to a container
 * that was started in advance and sat waiting for it.
 */
export type DurationOrigin = 'container' | 'payload';

/**
 * One container from attach to exit, in two steps: start() attaches, registers the exit
 * wait and starts it (its launcher then waits for stdin); complete() sends the payload and
 * collects the result. The caller creates and removes the container.
 */
export class ContainerRun {
  private readonly stdout: BoundedOutput;
  private readonly stderr: BoundedOutput;
  private exitedEarly = false;

  private constructor(
    private readonly container: Container,
    private readonly stream: Duplex,
    private readonly exited: Promise<ContainerExit>,
    private readonly waitSocket: Socket,
    private readonly outputDone: Promise<void>,
    buffers: { stdout: BoundedOutput; stderr: BoundedOutput },
  ) {
    this.stdout = buffers.stdout;
    this.stderr = buffers.stderr;
    exited.then(
      () => (this.exitedEarly = true),
      () => (this.exitedEarly = true),
    );
  }

  static async start(container: Container, limits: RunLimits): Promise<ContainerRun> {
    const stream = (await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    })) as unknown as Duplex;
    try {
      const buffers = { stdout: new BoundedOutput(limits.outputBytes), stderr: new BoundedOutput(limits.outputBytes) };
      const demuxer = new DockerStreamDemuxer(keepingCopies(buffers.stdout), keepingCopies(buffers.stderr));
      const outputDone = new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer) => demuxer.write(chunk));
        stream.once('end', resolve);
        stream.once('close', resolve);
        // A program that exits without reading stdin makes our write fail; that is not an error.
        stream.on('error', () => resolve());
      });
      const { exited, socket } = await registerExitWait(container);
      // If we give up waiting, removal later ends this request; that failure is expected.
      exited.catch(() => undefined);
      await container.start();
      return new ContainerRun(container, stream, exited, socket, outputDone, buffers);
    } catch (e) {
      stream.destroy();
      throw e;
    }
  }

  /** False once the container stopped on its own (e.g. an idle launcher timed out). */
  get waiting(): boolean {
    return !this.exitedEarly;
  }

  /** A waiting warm container must not keep this process alive: its sockets stop counting. */
  idle(): void {
    (this.stream as Partial<Socket>).unref?.();
    this.waitSocket.unref();
  }

  dispose(): void {
    this.stream.destroy();
  }

  /** `timeoutMs` comes from the run: a warm container was started before its run was known. */
  async complete(stdin: Buffer, timeoutMs: number, origin: DurationOrigin): Promise<RunResult> {
    try {
      return await this.collect(stdin, timeoutMs, origin);
    } finally {
      this.dispose();
    }
  }

  private async collect(stdin: Buffer, timeoutMs: number, origin: DurationOrigin): Promise<RunResult> {
    (this.stream as Partial<Socket>).ref?.();
    this.waitSocket.ref();
    const wallStart = Date.now();
    const clockStart = performance.now();
    // The launcher's payload, then the user's stdin, then EOF (half-close of the attach socket).
    this.stream.end(stdin);

    let kill: Promise<boolean> | undefined;
    const timer = setTimeout(() => {
      kill = this.container.kill({ signal: 'SIGKILL' }).then(
        () => true,
        () => false, // already stopped: it beat the clock
      );
    }, timeoutMs);
    let giveUp: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      giveUp = setTimeout(
        () => reject(new Error('docker did not report the container exit')),
        timeoutMs + WAIT_GRACE_MS,
      );
    });
    let statusCode: number;
    try {
      statusCode = (await Promise.race([this.exited, deadline])).statusCode;
    } finally {
      clearTimeout(timer);
      clearTimeout(giveUp);
    }
    const clockMs = performance.now() - clockStart;
    const timedOut = kill ? await kill : false;

    await settleWithin(this.outputDone, OUTPUT_DRAIN_MS);
    const state = (await this.container.inspect()).State;
    const finished = dockerTimestampMs(state.FinishedAt);
    const from = origin === 'container' ? dockerTimestampMs(state.StartedAt) : wallStart;
    const daemonMs = finished - from;
    // The daemon's timestamps skip our exit-notification latency; trust them when plausible.
    const durationMs = Number.isFinite(daemonMs) && daemonMs >= 0 && daemonMs <= clockMs + 1000 ? daemonMs : clockMs;

    return {
      ...exitStatusFromCode(statusCode, timedOut),
      stdout: this.stdout.text(),
      stderr: this.stderr.text(),
      stdoutTruncated: this.stdout.truncated,
      stderrTruncated: this.stderr.truncated,
      timedOut,
      oomKilled: state.OOMKilled === true,
      durationMs: Math.round(durationMs),
    };
  }
}

async function settleWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([promise, elapsed]);
  } finally {
    clearTimeout(timer);
  }
}
