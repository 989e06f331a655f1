import { nestedDeeperThan } from './json-depth';

describe('nestedDeeperThan', () => {
  const nested = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n));

  it('counts arrays and objects as levels, scalars as none', () => {
    expect(nestedDeeperThan('x', 0)).toBe(false);
    expect(nestedDeeperThan({}, 0)).toBe(true);
    expect(nestedDeeperThan({ a: 1, b: 'x' }, 1)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: 1 }] }, 2)).toBe(true);
    expect(nestedDeeperThan({ a: 1, z: { y: { x: {} } } }, 3)).toBe(true);
  });

  it('answers for nesting far past the call stack', () => {
    expect(nestedDeeperThan(nested(32), 32)).toBe(false);
    expect(nestedDeeperThan(nested(33), 32)).toBe(true);
    expect(nestedDeeperThan(nested(500_000), 32)).toBe(true);
  });
});
