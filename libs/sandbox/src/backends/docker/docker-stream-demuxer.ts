const HEADER_BYTES = 8;
const STDOUT = 1;
const STDERR = 2;

export type FrameSink = (payload: Buffer) => void;

/**
 * Splits Docker's multiplexed attach stream (8-byte header: stream id, 3 zero bytes,
 * big-endian payload length) into stdout and stderr without buffering whole frames.
 */
export class DockerStreamDemuxer {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private frameLeft = 0;
  private frameStream = 0;

  constructor(
    private readonly onStdout: FrameSink,
    private readonly onStderr: FrameSink,
  ) {}

  write(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.frameLeft === 0) {
        const take = Math.min(HEADER_BYTES - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill < HEADER_BYTES) return;
        this.headerFill = 0;
        this.frameStream = this.header[0];
        this.frameLeft = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.frameLeft, chunk.length - offset);
      const payload = chunk.subarray(offset, offset + take);
      offset += take;
      this.frameLeft -= take;
      if (this.frameStream === STDOUT) this.onStdout(payload);
      else if (this.frameStream === STDERR) this.onStderr(payload);
    }
  }
}
