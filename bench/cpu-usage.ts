import { readFileSync } from 'node:fs';

/** CPU time of the whole machine since boot, all cores, in clock ticks: busy and in all. */
export interface MachineCpu {
  busy: number;
  total: number;
}

/** USER_HZ, the unit of /proc/stat on every Linux architecture Node runs on. */
const MS_PER_TICK = 10;

/**
 * From /proc/stat: busy is user, nice, system, irq and softirq (where loopback HTTP is handled);
 * iowait counts as idle, and steal (another guest ran) is left out of both.
 */
export function machineCpu(): MachineCpu {
  const [user, nice, system, idle, iowait, irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq;
  return { busy, total: busy + idle + iowait };
}

/** Busy CPU milliseconds of the whole machine spent while `fn` ran, and the share left idle. */
export async function machineCpuDuring<T>(fn: () => Promise<T>): Promise<{ result: T; busyMs: number; idleShare: number }> {
  const before = machineCpu();
  const result = await fn();
  const after = machineCpu();
  const busy = after.busy - before.busy;
  const total = after.total - before.total;
  return { result, busyMs: busy * MS_PER_TICK, idleShare: total > 0 ? 1 - busy / total : 0 };
}
