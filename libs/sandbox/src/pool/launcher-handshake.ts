import { BoundedOutput } from '../backends/bwrap/bounded-output';
import { READY_BYTE, STARTED_BYTE } from './warm-frame';

/** What the launcher has said on stderr so far; anything else from it means it is broken. */
export type LauncherAck = 'none' | 'ready' | 'started' | 'broken';

/** Where the program's output goes once the run is delivered (a BoundedOutput or a filter in front of one). */
export interface OutputSink {
  push(chunk: Buffer): void;
}

const LAUNCHER_TEXT_MAX = 2000;

/**
 * Reads a warm launcher's stdout/stderr: READY_BYTE first (loaded, waiting), STARTED_BYTE
 * after delivery (files written, user code next); every later byte is the program's output.
 * Any other byte before that, or any output while idle, marks the launcher broken.
 */
export class LauncherHandshake {
  ack: LauncherAck = 'none';
  launcherText = '';
  private out?: { stdout: OutputSink; stderr: OutputSink };

  constructor(
    private readonly onReady: () => void,
    private readonly onBroken: (text: string) => void,
  ) {}

  /** From now on output belongs to the run; returns where it is kept. */
  delivered(outputBytes: number): { stdout: BoundedOutput; stderr: BoundedOutput } {
    const out = { stdout: new BoundedOutput(outputBytes), stderr: new BoundedOutput(outputBytes) };
    this.deliveredTo(out);
    return out;
  }

  deliveredTo(sinks: { stdout: OutputSink; stderr: OutputSink }): void {
    this.out = sinks;
  }

  /** Chunks are views into a reused buffer when `copy`: BoundedOutput keeps what it is given. */
  stdout(chunk: Buffer, copy = false): void {
    if (this.out) this.out.stdout.push(copy ? Buffer.from(chunk) : chunk);
    else if (chunk.length > 0) this.broken(chunk);
  }

  stderr(chunk: Buffer, copy = false): void {
    let rest = chunk;
    if (this.ack === 'none' && rest.length > 0) {
      if (rest[0] !== READY_BYTE) return this.broken(rest);
      this.ack = 'ready';
      this.onReady();
      rest = rest.subarray(1);
    }
    if (this.ack === 'ready' && rest.length > 0) {
      if (!this.out || rest[0] !== STARTED_BYTE) return this.broken(rest);
      this.ack = 'started';
      rest = rest.subarray(1);
    }
    if (this.ack === 'started') {
      if (rest.length > 0) this.out!.stderr.push(copy ? Buffer.from(rest) : rest);
    } else if (this.ack === 'broken') {
      this.note(rest);
    }
  }

  private broken(data: Buffer): void {
    this.ack = 'broken';
    this.note(data);
    this.onBroken(this.launcherText);
  }

  private note(data: Buffer): void {
    if (this.launcherText.length < LAUNCHER_TEXT_MAX) this.launcherText += data.toString('utf8').slice(0, LAUNCHER_TEXT_MAX);
  }
}
