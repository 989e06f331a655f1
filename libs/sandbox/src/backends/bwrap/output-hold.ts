import { Readable } from 'node:stream';

/** Long enough for a short program to finish unheard, short enough that a long one barely waits. */
export const OUTPUT_HOLD_MS = 5;

interface Handle {
  reading?: boolean;
  readStop?: () => number;
  readStart?: () => number;
}

const handleOf = (stream: Readable) => (stream as unknown as { _handle?: Handle | null })._handle ?? undefined;

export interface OutputHold {
  /** Ends the hold now: the streams are read again. */
  release(): void;
  /** Ends the hold and leaves the streams unread, for a caller that drains them itself. */
  cancel(): void;
}

/**
 * Stops reading a delivered run's stdout and stderr for its first `ms`, or until released.
 * Every byte the program writes then wakes nothing of ours: without the hold, its first write
 * woke this process onto the program's own core (this VM's scheduler puts the wakee beside its
 * waker), which preempted the program for ~0.5 ms before it could finish. Nothing is lost and the
 * output cap holds: what is written waits in the socket's kernel buffer (~200 KB) and is read
 * once released; a program that fills that buffer sooner blocks on its write for the rest of the hold.
 */
export function holdOutput(streams: Readable[], ms = OUTPUT_HOLD_MS): OutputHold {
  for (const stream of streams) stopReading(stream);
  let held = true;
  const end = (readAgain: boolean) => {
    if (!held) return;
    held = false;
    clearTimeout(timer);
    if (readAgain) for (const stream of streams) startReading(stream);
  };
  const timer = setTimeout(() => end(true), ms);
  return { release: () => end(true), cancel: () => end(false) };
}

/** Pauses the stream and stops its reads at the fd (pause() alone keeps reading into the stream's own buffer). */
export function stopReading(stream: Readable): void {
  const handle = handleOf(stream);
  stream.pause();
  if (handle?.reading && handle.readStop) {
    handle.reading = false;
    handle.readStop();
  }
}

/** As net.Socket's own read start does; resume() alone would not, as the stream believes a read is under way. */
function startReading(stream: Readable): void {
  if (stream.destroyed) return;
  const handle = handleOf(stream);
  if (handle && !handle.reading && handle.readStart) {
    handle.reading = true;
    // A failed start would never see the end of the stream (nor its child's 'close'): as Node does, the stream is destroyed.
    if (handle.readStart() < 0) {
      stream.destroy();
      return;
    }
  }
  stream.resume();
}
