import type { Container } from 'dockerode';
import type { Duplex } from 'node:stream';
import { RunLimits, RunResult } from '../../run-spec';
import { BoundedOutput } from '../bwrap/bounded-output';
import { registerExitWait } from './container-exit-waiter';
import { exitStatusFromCode } from './container-exit-status';
import { DockerStreamDemuxer } from './docker-stream-demuxer';
import { keepingCopies } from './output-sink';
import { dockerTimestampMs } from './docker-timestamp';

/** After exit, output still in flight is read for at most this long. */
const OUTPUT_DRAIN_MS = 2000;
/** If the daemon never reports the exit, give up this long after the timeout. */
const WAIT_GRACE_MS = 10000;

/** One started container, from attach to exit; the caller creates and removes it. */
export class ContainerRun {
  private readonly stdout: BoundedOutput;
  private readonly stderr: BoundedOutput;

  constructor(
    private readonly container: Container,
    private readonly limits: RunLimits,
    private readonly stdin: Buffer,
  ) {
    this.stdout = new BoundedOutput(limits.outputBytes);
    this.stderr = new BoundedOutput(limits.outputBytes);
  }

  async execute(): Promise<RunResult> {
    const stream = (await this.container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    })) as unknown as Duplex;
    try {
      return await this.runAttached(stream);
    } finally {
      stream.destroy();
    }
  }

  private async runAttached(stream: Duplex): Promise<RunResult> {
    const demuxer = new DockerStreamDemuxer(keepingCopies(this.stdout), keepingCopies(this.stderr));
    const outputDone = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => demuxer.write(chunk));
      stream.once('end', resolve);
      stream.once('close', resolve);
      // A program that exits without reading stdin makes our write fail; that is not an error.
      stream.on('error', () => resolve());
    });

    const { exited } = await registerExitWait(this.container);
    // If we give up waiting, removal later ends this request; that failure is expected.
    exited.catch(() => undefined);
    const clockStart = performance.now();
    await this.container.start();
    // The launcher's files, then the user's stdin, then EOF (half-close of the attach socket).
    stream.end(this.stdin);

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
      statusCode = (await Promise.race([exited, deadline])).statusCode;
    } finally {
      clearTimeout(timer);
      clearTimeout(giveUp);
    }
    const clockEnd = performance.now();
    const timedOut = kill ? await kill : false;

    await settleWithin(outputDone, OUTPUT_DRAIN_MS);
    const state = (await this.container.inspect()).State;
    const started = dockerTimestampMs(state.StartedAt);
    const finished = dockerTimestampMs(state.FinishedAt);
    const durationMs =
      Number.isFinite(started) && Number.isFinite(finished) && finished >= started
        ? finished - started
        : clockEnd - clockStart;

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
