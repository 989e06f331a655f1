import { RunLimits } from './run-spec';
import { SandboxError, SandboxErrorCode } from './sandbox-error';

/** The one limits table: what a run gets by default and the most an operator allows. */
export interface LimitsTable {
  defaults: RunLimits;
  maxima: RunLimits;
}

/** What a caller may ask for per request; everything else comes from the table. */
export interface LimitsRequest {
  timeoutMs?: number;
  memoryMb?: number;
}

export const MIB = 1024 * 1024;

/** Below these a run cannot start an interpreter at all (V8 needs tens of MiB). */
export const LIMIT_MINIMA: Readonly<RunLimits> = Object.freeze({
  timeoutMs: 100,
  memoryMb: 32,
  pids: 8,
  outputBytes: 1024,
  tmpfsMb: 1,
});

export const DEFAULT_LIMITS_TABLE: Readonly<LimitsTable> = Object.freeze({
  defaults: Object.freeze({ timeoutMs: 10_000, memoryMb: 256, pids: 64, outputBytes: 64 * 1024, tmpfsMb: 64 }),
  maxima: Object.freeze({ timeoutMs: 30_000, memoryMb: 1024, pids: 256, outputBytes: 1024 * 1024, tmpfsMb: 512 }),
});

const KEYS: (keyof RunLimits)[] = ['timeoutMs', 'memoryMb', 'pids', 'outputBytes', 'tmpfsMb'];

function invalid(message: string): SandboxError {
  return new SandboxError(SandboxErrorCode.InvalidRequest, message);
}

/** Throws when an operator's table is inconsistent; call it once at startup. */
export function validateLimitsTable(table: LimitsTable): LimitsTable {
  for (const key of KEYS) {
    const d = table.defaults[key];
    const m = table.maxima[key];
    if (!Number.isSafeInteger(d) || !Number.isSafeInteger(m)) throw invalid(`limits table: ${key} must be an integer`);
    if (d < LIMIT_MINIMA[key]) throw invalid(`limits table: default ${key} ${d} is below the minimum ${LIMIT_MINIMA[key]}`);
    if (d > m) throw invalid(`limits table: default ${key} ${d} is above its maximum ${m}`);
  }
  return table;
}

function pick(name: keyof LimitsRequest, requested: number | undefined, table: LimitsTable, unit: string): number {
  if (requested === undefined || requested === null) return table.defaults[name];
  if (typeof requested !== 'number' || !Number.isInteger(requested) || requested <= 0) {
    throw invalid(`${name} must be a positive integer`);
  }
  if (requested < LIMIT_MINIMA[name]) throw invalid(`${name} must be at least ${LIMIT_MINIMA[name]} ${unit}`);
  if (requested > table.maxima[name]) {
    throw new SandboxError(
      SandboxErrorCode.LimitExceeded,
      `${name} ${requested} ${unit} exceeds the maximum of ${table.maxima[name]} ${unit}`,
    );
  }
  return requested;
}

export function resolveLimits(request: LimitsRequest = {}, table: LimitsTable = DEFAULT_LIMITS_TABLE): RunLimits {
  return {
    ...table.defaults,
    timeoutMs: pick('timeoutMs', request.timeoutMs, table, 'ms'),
    memoryMb: pick('memoryMb', request.memoryMb, table, 'MiB'),
  };
}

/** Belt for callers that build RunLimits themselves: every field must lie within the table. */
export function assertWithinTable(limits: RunLimits, table: LimitsTable): void {
  for (const key of KEYS) {
    const v = limits?.[key];
    if (!Number.isSafeInteger(v) || v < LIMIT_MINIMA[key]) throw invalid(`limits.${key} must be an integer >= ${LIMIT_MINIMA[key]}`);
    if (v > table.maxima[key]) {
      throw new SandboxError(SandboxErrorCode.LimitExceeded, `limits.${key} ${v} exceeds the maximum of ${table.maxima[key]}`);
    }
  }
}
