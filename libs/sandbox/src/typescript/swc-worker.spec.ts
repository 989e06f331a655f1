import { SWC_MAX_SOURCE_CHARS, SwcWorker, TS_MAX_NESTING, TS_MAX_SOURCE_CHARS } from './swc-worker';

const nestedBlocks = (depth: number) => `${'{'.repeat(depth)}f();${'}'.repeat(depth)}`;

describe('SwcWorker', () => {
  const swc = new SwcWorker();

  it('answers CommonJS for TypeScript that Node 20 parses', async () => {
    const answer = await swc.compile("import { sep } from 'path';\nconst n: number = 1;\nconsole.log(n, sep);", 'main.ts');
    expect(answer?.code).toContain('require("path")');
    expect(answer?.code).not.toContain(': number');
    expect(answer?.depth).toBeUndefined();
  });

  it.each([
    ['a syntax error', 'let x: number = ;'],
    ['top-level await', 'const v: number = await Promise.resolve(1);'],
    ['syntax swc passes through for a newer Node', 'class F { accessor v = 1; }'],
    ['a source over its size limit', `${'// x\n'.repeat(SWC_MAX_SOURCE_CHARS / 5 + 1)}const n: number = 1;`],
  ])('answers no code for %s', async (_what, source) => {
    expect((await swc.compile(source, 'main.ts'))?.code).toBeNull();
  });

  it('measures the nesting where the brackets could exceed the limit, and then compiles only within it', async () => {
    const flat = `${'f(1);\n'.repeat(TS_MAX_NESTING + 1)}`;
    expect(await swc.compile(flat, 'main.ts')).toEqual({ depth: expect.any(Number), code: expect.stringContaining('f(1)') });
    expect((await swc.compile(flat, 'main.ts'))!.depth).toBeLessThan(5);
    const deep = await swc.compile(nestedBlocks(TS_MAX_NESTING + 10), 'main.ts');
    expect(deep).toEqual({ depth: expect.any(Number), code: null });
    expect(deep!.depth).toBeGreaterThan(TS_MAX_NESTING);
    expect((await swc.compile(`${'('.repeat(TS_MAX_NESTING + 1)}`, 'main.ts'))?.depth).toBeNull();
  });

  it('survives the deepest nesting the size limit allows (parentheses overflowed an 8 MB stack at 6 KB)', async () => {
    const half = Math.floor((TS_MAX_SOURCE_CHARS - 8) / 2);
    const parens = await swc.compile(`x = ${'('.repeat(half)}1${')'.repeat(half)};`, 'main.ts');
    expect(parens).toEqual({ depth: expect.any(Number), code: null });
    // Types are stripped, and angle brackets are not counted: no measure, just the compile.
    const third = Math.floor((SWC_MAX_SOURCE_CHARS - 16) / 3);
    const generics = await swc.compile(`let y: ${'A<'.repeat(third)}B${'>'.repeat(third)};`, 'main.ts');
    expect(generics).toEqual({ code: 'let y;\n' });
  });

  it('starts a new thread when its thread has died; what was in flight is answered either way', async () => {
    const worker = swc.start()!;
    const inFlight = swc.compile('const a: number = 1;', 'main.ts');
    await worker.terminate();
    // Terminated before or after it answered: null (esbuild compiles it) or its code.
    expect([null, 'const a = 1;\n']).toContain((await inFlight)?.code ?? null);
    expect((await swc.compile('const b: number = 2;', 'main.ts'))?.code).toContain('const b = 2');
    expect(swc.start()).not.toBe(worker);
  });
});
