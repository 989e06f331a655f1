import { Readable } from 'node:stream';

/** Long enough for a short program to finish unheard, short enough that a long one barely waits. */
export const OUTPUT_HOLD_MS = 5;

interface Handle {
  reading?: boolean;
  readStop?: () => number;
  readStart?: () => number;
}

const handleOf = (stream: Readable) => (stream as unknown as { _handle?: Handle | null })._handle ?? undefined;

/**
 * Stops reading a delivered run's stdout and stderr for its first `ms` (or until the returned
 * release is called, at its end). Every byte the program writes then wakes nothing of ours:
 * without the hold, its first write woke this process onto the program's own core (this VM's
 * scheduler puts the wakee beside its waker), which preempted the program for ~0.5 ms before it
 * could finish. Nothing is lost and the output cap holds: what is written waits in the socket's
 * kernel buffer (~200 KB) and is read once released; a program that fills that buffer sooner
 * blocks on its write for the rest of the hold.
 */
export function holdOutput(streams: Readable[], ms = OUTPUT_HOLD_MS): () => void {
  for (const stream of streams) {
    const handle = handleOf(stream);
    stream.pause();
    // pause() alone keeps reading into the stream's own buffer; the read has to stop at the fd.
    if (handle?.reading && handle.readStop) {
      handle.reading = false;
      handle.readStop();
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    clearTimeout(timer);
    for (const stream of streams) {
      if (stream.destroyed) continue;
      // As net.Socket's own read start does; resume() alone would not, as the stream thinks a read is under way.
      const handle = handleOf(stream);
      if (handle && !handle.reading && handle.readStart) {
        handle.reading = true;
        handle.readStart();
      }
      stream.resume();
    }
  };
  const timer = setTimeout(release, ms);
  return release;
}
