/** Keeps at most `limit` bytes of a stream and drops the rest, so a flood never grows memory. */
export class BoundedOutputCollector {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (chunk.length > room) this.dropped = true;
    if (room <= 0) return;
    // Copy the slice: keeping a view would pin the whole socket buffer it came from.
    const part = chunk.length > room ? Buffer.from(chunk.subarray(0, room)) : Buffer.from(chunk);
    this.chunks.push(part);
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.dropped;
  }

  /** Invalid UTF-8 becomes U+FFFD and NUL stays a code point JSON can escape: always a valid JSON string. */
  text(): string {
    return Buffer.concat(this.chunks, this.kept).toString('utf8');
  }
}
