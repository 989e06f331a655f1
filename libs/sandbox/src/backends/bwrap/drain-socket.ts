import { readSync } from 'node:fs';
import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;

/**
 * For a stream whose 'data' listeners are where its bytes go: flushes what the stream itself
 * buffered to them (read() emits it), then reads synchronously, at most `maxBytes`, what is
 * already in the kernel buffer of its non-blocking pipe or socket (a short read or EAGAIN ends it) and hands that
 * to `push`, in order. The stream gets nothing more after: it is destroyed. For output written
 * before a report that the writer has finished.
 */
export function drainSocket(stream: Readable, maxBytes: number, push: (chunk: Buffer) => void): void {
  while (stream.read() !== null);
  const fd = (stream as unknown as { _handle?: { fd?: number } })._handle?.fd;
  try {
    for (let total = 0; fd !== undefined && fd >= 0 && total < maxBytes; ) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes - total));
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      push(buf.subarray(0, got));
      total += got;
      // A pipe or stream socket hands over all it holds up to the size asked: a short read emptied
      // it, and the EAGAIN a further read would throw (an exception with a full stack) is spared.
      if (got < buf.length) break;
    }
  } catch {
    // EAGAIN: nothing more is there
  }
  stream.destroy();
}
