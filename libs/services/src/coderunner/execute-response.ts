import { constants } from 'node:os';
import { Language, RunResult } from '@app/sandbox';

export interface ExecuteResponse {
  id: string;
  language: Language;
  exitCode: number;
  stdout: string;
  stderr: string;
  duration: number;
  timedOut: boolean;
  signal: string | null;
  oomKilled: boolean;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  cpuTimeMs?: number;
  memoryPeakKb?: number;
}

const signalNumber = (name: string | null): number | undefined =>
  name ? (constants.signals as Record<string, number>)[name] : undefined;

/** The seed's seven fields first, then the extras; a signal death reads as the shell's 128+n. */
export function toExecuteResponse(id: string, language: Language, r: RunResult): ExecuteResponse {
  const exitCode = r.exitCode ?? 128 + (signalNumber(r.signal) ?? 0);
  return {
    id,
    language,
    exitCode,
    stdout: r.stdout,
    stderr: r.stderr,
    duration: Math.round(r.durationMs),
    timedOut: r.timedOut,
    signal: r.signal,
    oomKilled: r.oomKilled,
    stdoutTruncated: r.stdoutTruncated,
    stderrTruncated: r.stderrTruncated,
    ...(r.cpuTimeMs !== undefined ? { cpuTimeMs: Math.round(r.cpuTimeMs) } : {}),
    ...(r.memoryPeakKb !== undefined ? { memoryPeakKb: r.memoryPeakKb } : {}),
  };
}
