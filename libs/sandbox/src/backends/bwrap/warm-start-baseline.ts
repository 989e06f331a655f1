import { CgroupRun } from './cgroups/cgroup-run';

/**
 * Once a warm sandbox waits for code: returns the CPU its start-up used (idle costs nothing, so
 * that is what a run's CPU time leaves out), resets the memory peak, opens the stats files and
 * raises the low start-up CPU weight, off the run's path (the write costs 0.1-0.7 ms).
 */
export async function warmStartBaseline(cgRun: CgroupRun): Promise<number> {
  const cpuMs = (await cgRun.stats()).cpuTimeMs ?? 0;
  await cgRun.resetMemoryPeak();
  cgRun.openStats();
  await cgRun.setBackground(false);
  return cpuMs;
}
