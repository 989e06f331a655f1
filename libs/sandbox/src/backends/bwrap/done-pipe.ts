import { readSync } from 'node:fs';
import { Socket } from 'node:net';
import { DONE_BYTE } from '../../pool/warm-frame';
import { WarmRuntime } from '../../pool/warm-runtime';

interface PipeHandle {
  fd: number;
  readStop(): number;
}

const READ_MAX = 64 * 1024;

/** Only the node launcher reports on a done pipe; python and bash end as fast by exiting. */
export const hasDonePipe = (runtime: WarmRuntime): boolean => runtime === 'node';

/**
 * The warm launcher's done pipe. It is not polled: a report read as it arrives would wake this
 * process once more per run, a cost comparable to what the report saves. It is read once, when
 * the sandbox has exited and whatever was written is there.
 */
export class DonePipe {
  private readonly handle?: PipeHandle;

  constructor(private readonly socket: Socket) {
    this.handle = (socket as unknown as { _handle?: PipeHandle })._handle;
    this.handle?.readStop();
  }

  /** The status in the last DONE_BYTE pair written, if the pipe ends with one; closes the pipe. */
  take(): number | undefined {
    // What the stream read before its handle was stopped (or could not be) is in its buffer.
    let tail = this.socket.readableLength > 0 ? (this.socket.read() as Buffer).subarray(-2) : Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(4096);
    try {
      for (let total = 0, got = 0; total < READ_MAX; total += got) {
        got = readSync(this.handle!.fd, buf, 0, buf.length, null);
        if (got === 0) break;
        tail = Buffer.concat([tail, buf.subarray(0, got)]).subarray(-2);
      }
    } catch {
      // EAGAIN: nothing more was written
    }
    this.socket.destroy();
    return tail.length === 2 && tail[0] === DONE_BYTE ? tail[1] : undefined;
  }
}
