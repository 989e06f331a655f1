import { constants as osConstants } from 'node:os';
import { RunResult } from '../../run-spec';
import { BoundedOutput } from './bounded-output';
import { CgroupStats } from './cgroups/cgroup-run';

export interface BwrapExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BwrapOutcome {
  stdout: BoundedOutput;
  stderr: BoundedOutput;
  timedOut: boolean;
  durationMs: number;
}

const signalName = (n: number): string | null =>
  (Object.entries(osConstants.signals).find(([, v]) => v === n)?.[0] as string | undefined) ?? null;

/** cpuBaselineMs: CPU the cgroup had used before the program got its code (a warm sandbox's start-up). */
export function bwrapResult(exit: BwrapExit, r: BwrapOutcome, stats: CgroupStats, cpuBaselineMs = 0): RunResult {
  let exitCode = exit.code;
  let signal: string | null = exit.signal;
  // bwrap reports a program killed by signal N as exit status 128+N, like a shell.
  if (exitCode !== null && exitCode > 128 && exitCode <= 128 + 64) signal = signalName(exitCode - 128);
  if (r.timedOut) {
    exitCode = null;
    signal = 'SIGKILL';
  }
  const result: RunResult = {
    exitCode,
    signal,
    stdout: r.stdout.text(),
    stderr: r.stderr.text(),
    stdoutTruncated: r.stdout.truncated,
    stderrTruncated: r.stderr.truncated,
    timedOut: r.timedOut,
    oomKilled: stats.oomKilled,
    durationMs: r.durationMs,
  };
  if (stats.cpuTimeMs !== undefined) result.cpuTimeMs = Math.max(0, stats.cpuTimeMs - cpuBaselineMs);
  if (stats.memoryPeakKb !== undefined) result.memoryPeakKb = stats.memoryPeakKb;
  return result;
}
