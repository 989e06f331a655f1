import { constants } from 'node:os';

export interface ExitStatus {
  exitCode: number | null;
  signal: string | null;
}

const SIGNAL_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(constants.signals).map(([name, num]) => [num, name] as [number, string]),
);

/**
 * Docker only reports an exit code; a process killed by signal n shows as 128+n, which a
 * program can also exit with on purpose. We read it as a signal (as a shell does, and as
 * Node reports a killed child) so results match the bwrap backend.
 */
export function exitStatusFromCode(code: number, killedByUs: boolean): ExitStatus {
  if (killedByUs) return { exitCode: null, signal: 'SIGKILL' };
  if (code > 128 && code < 128 + 32) {
    const name = SIGNAL_NAMES.get(code - 128);
    if (name) return { exitCode: null, signal: name };
  }
  return { exitCode: code, signal: null };
}
