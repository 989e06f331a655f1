import { Socket } from 'node:net';
import { DONE_BYTE } from '../../pool/warm-frame';
import { WarmRuntime } from '../../pool/warm-runtime';
import { drainSocket } from './drain-socket';

/**
 * Python and node report on a done pipe. Bash does not: any command of the launcher after the
 * script would run the script's DEBUG, ERR and EXIT traps at a point a cold run never reaches.
 * Its run ends at bwrap's own exit status report instead (BwrapStatus).
 */
export const hasDonePipe = (runtime: WarmRuntime): boolean => runtime !== 'bash';

/** Enough to find a report behind whatever else the program wrote there; the rest is not read. */
const REPORT_SCAN_BYTES = 64 * 1024;

/**
 * A warm launcher's done pipe, read as it arrives: the first DONE_BYTE and the byte after it
 * are the program's exit status, reported once the program has finished and before its
 * interpreter is torn down (~3-8 ms sooner than its sandbox is gone). User code can write there
 * too: a forged report only ends its own run early, as an exit would.
 */
export class DonePipe {
  readonly report: Promise<number>;
  private seen?: number;
  private tail = Buffer.alloc(0);
  private scanned = 0;
  private onReport?: (status: number) => void;

  constructor(private readonly socket: Socket) {
    this.report = new Promise((resolve) => (this.onReport = resolve));
    socket.on('data', (chunk: Buffer) => this.scan(chunk));
  }

  /** The status, reading first what the pipe holds and was not read yet; the pipe is closed after. */
  settle(): number | undefined {
    if (this.seen === undefined) drainSocket(this.socket, REPORT_SCAN_BYTES, (chunk) => this.scan(chunk));
    this.socket.destroy();
    return this.seen;
  }

  private scan(chunk: Buffer): void {
    if (this.seen !== undefined || this.scanned >= REPORT_SCAN_BYTES) return;
    this.scanned += chunk.length;
    this.tail = Buffer.concat([this.tail, chunk]);
    const at = this.tail.indexOf(DONE_BYTE);
    if (at < 0 || at + 1 >= this.tail.length) {
      this.tail = at < 0 ? Buffer.alloc(0) : this.tail.subarray(at);
      return;
    }
    this.seen = this.tail[at + 1];
    this.tail = Buffer.alloc(0);
    this.onReport!(this.seen);
  }
}
