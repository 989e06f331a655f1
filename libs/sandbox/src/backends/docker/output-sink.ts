import { BoundedOutput } from '../bwrap/bounded-output';

/**
 * Demuxed frames are views into socket chunks that may carry much more (e.g. the other
 * stream's flood); keeping a view would pin the whole chunk, so kept bytes are copied.
 * Once the output is truncated nothing more is kept, so nothing is copied either.
 */
export function keepingCopies(output: BoundedOutput): (payload: Buffer) => void {
  return (payload) => output.push(output.truncated ? payload : Buffer.from(payload));
}
