import { execFileSync } from 'node:child_process';
import { TypeScriptCompiler } from './typescript-compiler';

const MIB = 1024 * 1024;
const budget = { timeoutMs: 3000, maxBytes: 64 * MIB };

/** Each member doubles the previous string; esbuild folds them into one literal of 2^(n) bytes. */
function doublingEnum(members: number): string {
  let s = 'enum E { A0 = "ab"';
  for (let i = 1; i < members; i++) s += `, A${i} = A${i - 1} + A${i - 1}`;
  return `${s} }\nconsole.log(E.A${members - 1});`;
}

/** 32 KB of nested braces: esbuild's output grows with depth × length, past what a string holds. */
const NESTED_BRACES = '{'.repeat(16384) + '}'.repeat(16384);

function esbuildServices(): number {
  try {
    return execFileSync('pgrep', ['-f', '-c', 'esbuild --service'], { encoding: 'utf8' }).trim().split('\n').map(Number)[0];
  } catch {
    return 0;
  }
}

describe('TypeScriptCompiler', () => {
  const compiler = new TypeScriptCompiler({ servers: 2 });
  afterAll(() => compiler.close());

  it('compiles to CommonJS, to an ES module for top-level await, and reports syntax errors with their place', async () => {
    const cjs = await compiler.compile('export const n: number = 1;', 'main.ts', 'auto', budget);
    expect(cjs).toMatchObject({ ok: true, esm: false });
    expect(cjs.ok && cjs.code).toContain('module.exports');
    const esm = await compiler.compile('const v: number = await Promise.resolve(1);', 'main.ts', 'auto', budget);
    expect(esm).toMatchObject({ ok: true, esm: true });
    const forced = await compiler.compile('export const x: number = 1;', 'lib.mts', 'esm', budget);
    expect(forced.ok && forced.code).toMatch(/^export/m);
    const bad = await compiler.compile('let x: number = ;', 'main.ts', 'auto', budget);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/main\.ts:1:16/);
  });

  it('stops a compile that runs past its time, and compiles the next source normally', async () => {
    const started = Date.now();
    const slow = await compiler.compile(NESTED_BRACES + NESTED_BRACES, 'main.ts', 'auto', { ...budget, timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(slow).toEqual({ ok: false, message: expect.stringMatching(/took longer than 300 ms/) });
    const next = await compiler.compile('console.log(1 as number)', 'main.ts', 'auto', budget);
    expect(next).toMatchObject({ ok: true });
  });

  it('refuses output larger than the work directory', async () => {
    const r = await compiler.compile(doublingEnum(20), 'main.ts', 'auto', { ...budget, maxBytes: MIB });
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/compiled to \d+ bytes of JavaScript, more than the 1048576-byte/) });
  });

  it('a server that dies on a source (its heap exhausted) fails that compile only', async () => {
    const small = new TypeScriptCompiler({ servers: 1, heapMb: 24 });
    try {
      const r = await small.compile(doublingEnum(23), 'main.ts', 'auto', budget);
      expect(r).toEqual({ ok: false, message: expect.stringMatching(/ran out of memory or crashed/) });
      expect(await small.compile('let a: string = "x"', 'main.ts', 'auto', budget)).toMatchObject({ ok: true });
    } finally {
      small.close();
    }
  });

  it('an innocent compile is not held up or failed by a hostile one running beside it', async () => {
    const hostile = compiler.compile(doublingEnum(27), 'main.ts', 'auto', { ...budget, timeoutMs: 1500 });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const innocent = await compiler.compile('const a: number[] = [1, 2];', 'main.ts', 'auto', budget);
    expect(innocent).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hostile).toEqual({ ok: false, message: expect.stringMatching(/took longer than 1500 ms/) });
  });

  it("leaves no esbuild service behind once its servers are closed", async () => {
    const own = new TypeScriptCompiler({ servers: 1 });
    const before = esbuildServices();
    await own.compile('let q = 1', 'main.ts', 'auto', budget);
    expect(esbuildServices()).toBe(before + 1);
    own.close();
    for (let i = 0; i < 50 && esbuildServices() > before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(esbuildServices()).toBe(before);
  });
});
