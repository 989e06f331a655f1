import type { Container } from 'dockerode';
import type { Duplex } from 'node:stream';
import { RunLimits, RunResult } from '../../run-spec';
import { BoundedOutput } from '../bwrap/bounded-output';
import { ContainerExit, registerExitWait } from './container-exit-waiter';
import { exitStatusFromCode } from './container-exit-status';
import { DockerStreamDemuxer } from './docker-stream-demuxer';
import { dockerTimestampMs } from './docker-timestamp';
import { keepingCopies } from './output-sink';
import { settleWithin } from './settle-within';

/** After exit, output still in flight is read for at most this long. */
const OUTPUT_DRAIN_MS = 2000;
/** If the daemon never reports the exit, give up this long after the timeout. */
const WAIT_GRACE_MS = 10000;

/**
 * One cold container from attach to exit: start() attaches, registers the exit wait and
 * starts it; complete() sends the launcher's stdin and collects the result. The caller
 * creates and removes the container.
 */
export class ContainerRun {
  private constructor(
    private readonly container: Container,
    private readonly limits: RunLimits,
    private readonly stream: Duplex,
    private readonly exited: Promise<ContainerExit>,
    private readonly outputDone: Promise<void>,
    private readonly stdout: BoundedOutput,
    private readonly stderr: BoundedOutput,
  ) {}

  static async start(container: Container, limits: RunLimits): Promise<ContainerRun> {
    const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
    try {
      const stdout = new BoundedOutput(limits.outputBytes);
      const stderr = new BoundedOutput(limits.outputBytes);
      const demuxer = new DockerStreamDemuxer(keepingCopies(stdout), keepingCopies(stderr));
      const outputDone = new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer) => demuxer.write(chunk));
        stream.once('end', resolve);
        stream.once('close', resolve);
        // A program that exits without reading stdin makes our write fail; that is not an error.
        stream.on('error', () => resolve());
      });
      const { exited } = await registerExitWait(container);
      // If we give up waiting, removal later ends this request; that failure is expected.
      exited.catch(() => undefined);
      await container.start();
      return new ContainerRun(container, limits, stream, exited, outputDone, stdout, stderr);
    } catch (e) {
      stream.destroy();
      throw e;
    }
  }

  async complete(stdin: Buffer): Promise<RunResult> {
    try {
      return await this.collect(stdin);
    } finally {
      this.stream.destroy();
    }
  }

  private async collect(stdin: Buffer): Promise<RunResult> {
    const clockStart = performance.now();
    // The launcher's files, then the user's stdin, then EOF (half-close of the attach socket).
    this.stream.end(stdin);

    let kill: Promise<boolean> | undefined;
    const timer = setTimeout(() => {
      kill = this.container.kill({ signal: 'SIGKILL' }).then(
        () => true,
        () => false, // already stopped: it beat the clock
      );
    }, this.limits.timeoutMs);
    let giveUp: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      giveUp = setTimeout(
        () => reject(new Error('docker did not report the container exit')),
        this.limits.timeoutMs + WAIT_GRACE_MS,
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
    // The daemon's timestamps cover exactly the container's life, without our notification latency.
    const daemonMs = dockerTimestampMs(state.FinishedAt) - dockerTimestampMs(state.StartedAt);
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
