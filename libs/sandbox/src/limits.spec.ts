import { assertWithinTable, DEFAULT_LIMITS_TABLE, LimitsTable, resolveLimits, validateLimitsTable } from './limits';
import { SandboxError, SandboxErrorCode } from './sandbox-error';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof SandboxError ? err.code : 'not a SandboxError';
  }
  return undefined;
}

describe('limits table', () => {
  it('has the spec defaults', () => {
    expect(DEFAULT_LIMITS_TABLE.defaults).toEqual({
      timeoutMs: 10_000,
      memoryMb: 256,
      pids: 64,
      outputBytes: 65_536,
      tmpfsMb: 64,
    });
    expect(DEFAULT_LIMITS_TABLE.maxima.timeoutMs).toBe(30_000);
    expect(DEFAULT_LIMITS_TABLE.maxima.memoryMb).toBe(1024);
  });

  it('rejects an inconsistent operator table', () => {
    const bad: LimitsTable = {
      defaults: { ...DEFAULT_LIMITS_TABLE.defaults, timeoutMs: 60_000 },
      maxima: DEFAULT_LIMITS_TABLE.maxima,
    };
    expect(codeOf(() => validateLimitsTable(bad))).toBe(SandboxErrorCode.InvalidRequest);
    expect(validateLimitsTable(DEFAULT_LIMITS_TABLE)).toBe(DEFAULT_LIMITS_TABLE);
  });
});

describe('resolveLimits', () => {
  it('uses the defaults when nothing is asked', () => {
    expect(resolveLimits({})).toEqual(DEFAULT_LIMITS_TABLE.defaults);
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS_TABLE.defaults);
  });

  it('takes allowed values', () => {
    expect(resolveLimits({ timeoutMs: 30_000, memoryMb: 512 })).toMatchObject({ timeoutMs: 30_000, memoryMb: 512, pids: 64 });
  });

  it('answers limit_exceeded above the operator maximum, with a clear message', () => {
    expect(codeOf(() => resolveLimits({ timeoutMs: 30_001 }))).toBe(SandboxErrorCode.LimitExceeded);
    expect(() => resolveLimits({ memoryMb: 2048 })).toThrow('memoryMb 2048 MiB exceeds the maximum of 1024 MiB');
  });

  it('follows the table it is given', () => {
    const table: LimitsTable = {
      defaults: { ...DEFAULT_LIMITS_TABLE.defaults, timeoutMs: 1000 },
      maxima: { ...DEFAULT_LIMITS_TABLE.maxima, timeoutMs: 2000 },
    };
    expect(resolveLimits({}, table).timeoutMs).toBe(1000);
    expect(codeOf(() => resolveLimits({ timeoutMs: 2500 }, table))).toBe(SandboxErrorCode.LimitExceeded);
  });

  it.each([0, -1, 1.5, Number.NaN, 50])('rejects timeoutMs %s as invalid_request', (v) => {
    expect(codeOf(() => resolveLimits({ timeoutMs: v }))).toBe(SandboxErrorCode.InvalidRequest);
  });

  it('rejects non-numbers', () => {
    expect(codeOf(() => resolveLimits({ memoryMb: '64' as unknown as number }))).toBe(SandboxErrorCode.InvalidRequest);
  });
});

describe('assertWithinTable', () => {
  it('accepts the defaults and refuses anything past a maximum', () => {
    expect(() => assertWithinTable(DEFAULT_LIMITS_TABLE.defaults, DEFAULT_LIMITS_TABLE)).not.toThrow();
    const big = { ...DEFAULT_LIMITS_TABLE.defaults, pids: 100_000 };
    expect(codeOf(() => assertWithinTable(big, DEFAULT_LIMITS_TABLE))).toBe(SandboxErrorCode.LimitExceeded);
    const missing = { ...DEFAULT_LIMITS_TABLE.defaults, outputBytes: undefined as unknown as number };
    expect(codeOf(() => assertWithinTable(missing, DEFAULT_LIMITS_TABLE))).toBe(SandboxErrorCode.InvalidRequest);
  });
});
