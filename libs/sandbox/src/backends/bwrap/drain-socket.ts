import { readSync } from 'node:fs';
import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;

/**
 * Reads, synchronously and at most `maxBytes`, what is already in the kernel buffer of a
 * non-blocking pipe or socket the stream reads (EAGAIN ends it), and hands it to `push` in order
 * after whatever the stream itself still buffers. The stream gets nothing more after: it is
 * destroyed. For output written before a report that the writer has finished.
 */
export function drainSocket(stream: Readable, maxBytes: number, push: (chunk: Buffer) => void): void {
  for (let chunk: Buffer | null; (chunk = stream.read() as Buffer | null) !== null; ) push(chunk);
  const fd = (stream as unknown as { _handle?: { fd?: number } })._handle?.fd;
  try {
    for (let total = 0; fd !== undefined && fd >= 0 && total < maxBytes; ) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes - total));
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      push(buf.subarray(0, got));
      total += got;
    }
  } catch {
    // EAGAIN: nothing more is there
  }
  stream.destroy();
}
