import { Readable, Writable } from 'node:stream';

/**
 * The fds bwrap is given besides stdio; files (cold runs) follow from firstFile on. A warm
 * sandbox has no files: its launcher's done pipe takes that place.
 */
export const FD = { status: 3, block: 4, seccomp: 5, firstFile: 6, done: 6 } as const;

/** A sandbox that exits early breaks our pipes (EPIPE): that is its business, not an error. */
export const ignoreErrors = (s: Readable | Writable | null | undefined) => s?.on('error', () => undefined);
