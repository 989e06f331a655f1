/** Keeps the first `limit` bytes of a stream and counts (but drops) the rest. */
export class BoundedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  total = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.limit - this.kept;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    // Copy a slice so the pipe's large read buffer is not retained.
    this.chunks.push(part === chunk ? chunk : Buffer.from(part));
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.total > this.limit;
  }

  /** Invalid UTF-8 becomes U+FFFD, so the text is always a valid JSON string. */
  text(): string {
    return Buffer.concat(this.chunks, this.kept).toString('utf8');
  }
}
