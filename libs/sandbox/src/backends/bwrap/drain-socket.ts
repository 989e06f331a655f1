import { readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { stopReading } from './output-hold';

const CHUNK = 64 * 1024;
let scratch: Buffer | undefined;

/**
 * For a stream whose 'data' listeners are where its bytes go: flushes what the stream itself
 * buffered to them (read() emits it), then reads synchronously, at most `maxBytes`, what is
 * already in the kernel buffer of its non-blocking pipe or socket (a short read or EAGAIN ends it) and hands that
 * to `push`, in order, as views into one buffer every drain reuses (`push` copies what it keeps).
 * The stream reads nothing more after; it is destroyed once this turn of the event loop is over,
 * as closing its fd is no part of the reply. For output written before a report that the writer has finished.
 */
export function drainSocket(stream: Readable, maxBytes: number, push: (chunk: Buffer) => void): void {
  while (stream.read() !== null);
  // After read(), which may have started a read at the fd again.
  stopReading(stream);
  const fd = (stream as unknown as { _handle?: { fd?: number } })._handle?.fd;
  scratch ??= Buffer.allocUnsafe(CHUNK);
  try {
    for (let total = 0; fd !== undefined && fd >= 0 && total < maxBytes; ) {
      const want = Math.min(CHUNK, maxBytes - total);
      const got = readSync(fd, scratch, 0, want, null);
      if (got === 0) break;
      push(scratch.subarray(0, got));
      total += got;
      // A pipe or stream socket hands over all it holds up to the size asked: a short read emptied
      // it, and the EAGAIN a further read would throw (an exception with a full stack) is spared.
      if (got < want) break;
    }
  } catch {
    // EAGAIN: nothing more is there
  }
  setImmediate(() => stream.destroy());
}
