/**
 * Runs served by a warm sandbox, by a cold one, warm deliveries the launcher never took (then
 * run cold), and warm runs whose result was returned but some of whose processes could not be killed.
 */
export interface WarmUsage {
  warm: number;
  cold: number;
  notStarted: number;
  unkillable: number;
}

export const noWarmUsage = (): WarmUsage => ({ warm: 0, cold: 0, notStarted: 0, unkillable: 0 });

export function addWarmUsage(a: WarmUsage, b: WarmUsage): WarmUsage {
  return { warm: a.warm + b.warm, cold: a.cold + b.cold, notStarted: a.notStarted + b.notStarted, unkillable: a.unkillable + b.unkillable };
}
