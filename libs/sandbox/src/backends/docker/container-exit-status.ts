import { constants } from 'node:os';

export interface ExitStatus {
  exitCode: number | null;
  signal: string | null;
}

const SIGNAL_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(constants.signals).map(([name, num]) => [num, name] as [number, string]),
);

/**
 * Docker only reports an exit code: a program killed by signal n shows as 128+n, as in a
 * shell. Like the bwrap backend we keep that code and name the signal; a run we killed at
 * the wall clock has no exit code of its own.
 */
export function exitStatusFromCode(code: number, timedOut: boolean): ExitStatus {
  if (timedOut) return { exitCode: null, signal: 'SIGKILL' };
  const signal = code > 128 && code <= 128 + 64 ? (SIGNAL_NAMES.get(code - 128) ?? null) : null;
  return { exitCode: code, signal };
}
