import { cpus } from 'node:os';

/** CPU time of the whole machine (all cores, in ms) since boot: busy and in all. */
export interface MachineCpu {
  busyMs: number;
  totalMs: number;
}

export function machineCpu(): MachineCpu {
  let busyMs = 0;
  let totalMs = 0;
  for (const { times } of cpus()) {
    const busy = times.user + times.nice + times.sys + times.irq;
    busyMs += busy;
    totalMs += busy + times.idle;
  }
  return { busyMs, totalMs };
}

/** Busy CPU milliseconds of the whole machine spent while `fn` ran. */
export async function machineCpuDuring<T>(fn: () => Promise<T>): Promise<{ result: T; busyMs: number; idleShare: number }> {
  const before = machineCpu();
  const result = await fn();
  const after = machineCpu();
  const busyMs = after.busyMs - before.busyMs;
  const totalMs = after.totalMs - before.totalMs;
  return { result, busyMs, idleShare: totalMs > 0 ? 1 - busyMs / totalMs : 0 };
}
