import { OutputSink } from '../../pool/launcher-handshake';
import { BoundedOutput } from '../bwrap/bounded-output';

/** Passes a stream on but holds back its last bytes, so a marker written last can be cut off. */
export class HeldTail implements OutputSink {
  private held = Buffer.alloc(0);

  constructor(
    private readonly out: BoundedOutput,
    private readonly keep = 8,
  ) {}

  push(chunk: Buffer): void {
    const all = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    const cut = Math.max(0, all.length - this.keep);
    if (cut > 0) this.out.push(all.subarray(0, cut));
    this.held = Buffer.from(all.subarray(cut));
  }

  /** Held bytes as latin1 text (byte-exact), for matching a marker. */
  get tail(): string {
    return this.held.toString('latin1');
  }

  /** Passes on what is held, without the marker when the stream ends with it. */
  finish(marker: RegExp): RegExpExecArray | null {
    const match = marker.exec(this.tail);
    const keep = match ? this.held.length - match[0].length : this.held.length;
    if (keep > 0) this.out.push(this.held.subarray(0, keep));
    this.held = Buffer.alloc(0);
    return match;
  }
}
