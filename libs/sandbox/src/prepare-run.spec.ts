import { DEFAULT_LIMITS_TABLE } from './limits';
import { prepareRun } from './prepare-run';
import { Language, RunSpec } from './run-spec';
import { SandboxError, SandboxErrorCode } from './sandbox-error';
import { typescriptColdArgv } from './typescript/in-sandbox-typescript';

const limits = DEFAULT_LIMITS_TABLE.defaults;
const spec = (language: string, code: string, extra: Partial<RunSpec> = {}): RunSpec => ({
  language: language as Language,
  code,
  limits,
  ...extra,
});

/** A namespace: sucrase would drop it, so the run's TypeScript is compiled by esbuild before the sandbox. */
const ESBUILD = 'namespace Only { export const esbuild = 1; }\n';

async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof SandboxError ? err.code : 'other';
  }
  return 'none';
}

describe('prepareRun', () => {
  it.each([
    ['python', 'main.py', ['python3', '-u', 'main.py', 'x']],
    ['py', 'main.py', ['python3', '-u', 'main.py', 'x']],
    ['javascript', 'main.js', ['node', 'main.js', 'x']],
    ['node', 'main.js', ['node', 'main.js', 'x']],
    ['bash', 'main.sh', ['bash', 'main.sh', 'x']],
    ['sh', 'main.sh', ['bash', 'main.sh', 'x']],
  ])('%s runs %s', async (language, file, argv) => {
    const p = await prepareRun(spec(language, 'code', { args: ['x'], stdin: 'in' }));
    if (p.kind !== 'run') throw new Error('expected a run');
    expect(p.run.argv).toEqual(argv);
    expect(p.run.files[0]).toEqual({ name: file, content: 'code' });
    expect(p.run.stdin).toBe('in');
    expect(p.run.limits).toBe(limits);
  });

  it('leaves stdin undefined when none is given', async () => {
    const p = await prepareRun(spec('python', 'pass'));
    expect(p.kind === 'run' && 'stdin' in p.run).toBe(false);
  });

  it('leaves TypeScript that sucrase compiles as esbuild would to the sandbox, sources as they are', async () => {
    const code = "import { x } from './lib';\nconst n: number = x;\nconsole.log(n);";
    const files = [{ name: 'lib.ts', content: 'export const x: number = 1;' }, { name: 'data.json', content: '{}' }];
    const p = await prepareRun(spec('ts', code, { args: ['a'], files }));
    if (p.kind !== 'run') throw new Error('expected a run');
    expect(p.run.argv).toEqual(typescriptColdArgv(['a']));
    expect(p.run.entry).toEqual({ language: 'typescript', runtime: 'typescript', main: 'main.ts', args: ['a'] });
    expect(p.run.files).toEqual([{ name: 'main.ts', content: code }, ...files]);
  });

  it('compiles TypeScript (and .ts extra files) to CommonJS before the sandbox when sucrase would not, keeping the sources', async () => {
    const code = ESBUILD + "import { x } from './lib';\nconst n: number = x;\nconsole.log(n);";
    const p = await prepareRun(
      spec('ts', code, {
        files: [{ name: 'lib.ts', content: 'export const x: number = 1;' }, { name: 'data.json', content: '{}' }],
      }),
    );
    if (p.kind !== 'run') throw new Error('expected a run');
    expect(p.run.argv).toEqual(['node', 'main.js']);
    expect(p.run.entry).toMatchObject({ runtime: 'node', main: 'main.js' });
    expect(p.run.files.map((f) => f.name)).toEqual(['main.js', 'lib.js', 'main.ts', 'lib.ts', 'data.json']);
    expect(p.run.files[0].content).toContain('require("./lib")');
    expect(p.run.files[0].content).not.toContain(': number');
    expect(p.run.files[2].content).toBe(code);
  });

  it('compiles extra .mts files to ES modules (.mjs) and .cts to CommonJS (.cjs); declaration files stay as they are', async () => {
    const p = await prepareRun(
      spec('ts', ESBUILD + 'console.log(1)', {
        files: [
          { name: 'e.mts', content: 'export const a: number = 1;' },
          { name: 'c.cts', content: 'export const b: number = 2;' },
          { name: 'types.d.ts', content: 'declare const z: number;' },
        ],
      }),
    );
    if (p.kind !== 'run') throw new Error('expected a run');
    expect(p.run.files.map((f) => f.name)).toEqual(['main.js', 'e.mjs', 'c.cjs', 'main.ts', 'e.mts', 'c.cts', 'types.d.ts']);
    expect(p.run.files[1].content).toMatch(/^export \{/m);
    expect(p.run.files[2].content).toContain('module.exports');
  });

  it('gives all the TypeScript files of a run one compile time and one work directory between them', async () => {
    const slow = '(a) => '.repeat(2000) + '1';
    const started = Date.now();
    const timed = await prepareRun(
      spec('ts', ESBUILD + 'console.log(1)', {
        limits: { ...limits, timeoutMs: 400 },
        files: ['a', 'b', 'c', 'd'].map((n) => ({ name: `${n}.ts`, content: slow })),
      }),
    );
    expect(Date.now() - started).toBeLessThan(1500);
    expect(timed.kind === 'result' && timed.result.stderr).toMatch(/took longer than 400 ms/);

    let doubling = 'enum E { A0 = "ab"';
    for (let i = 1; i < 18; i++) doubling += `, A${i} = A${i - 1} + A${i - 1}`;
    doubling += ' }\nconsole.log(E.A17);' + ESBUILD;
    const one = await prepareRun(spec('ts', doubling, { limits: { ...limits, tmpfsMb: 1 } }));
    expect(one.kind).toBe('run');
    const two = await prepareRun(spec('ts', doubling, { limits: { ...limits, tmpfsMb: 1 }, files: [{ name: 'b.ts', content: doubling }] }));
    expect(two.kind === 'result' && two.result.stderr).toMatch(/bytes left in the work directory/);
  });

  it('uses an ES module for top-level await', async () => {
    const p = await prepareRun(spec('typescript', ESBUILD + 'const v: number = await Promise.resolve(1);\nconsole.log(v);'));
    expect(p.kind === 'run' && p.run.argv).toEqual(['node', 'main.mjs']);
  });

  it('turns a TypeScript syntax error into a run result with exit code 1', async () => {
    const p = await prepareRun(spec('typescript', 'let x: number = ;' + ESBUILD));
    if (p.kind !== 'result') throw new Error('expected a result');
    expect(p.result).toMatchObject({ exitCode: 1, stdout: '', timedOut: false, oomKilled: false, signal: null });
    expect(p.result.stderr).toMatch(/main\.ts:1:\d+/);
    expect(p.result.stderr).toMatch(/Unexpected/);
  });

  it('rejects unknown languages, bad args, bad files and oversized input', async () => {
    expect(await errorCode(prepareRun(spec('cobol', '')))).toBe(SandboxErrorCode.InvalidRequest);
    expect(await errorCode(prepareRun(spec('python', '', { args: 'a b' as never })))).toBe(SandboxErrorCode.InvalidRequest);
    expect(await errorCode(prepareRun(spec('python', '', { args: ['a\0b'] })))).toBe(SandboxErrorCode.InvalidRequest);
    expect(await errorCode(prepareRun(spec('python', '', { files: [{ name: '../x', content: '' }] })))).toBe(
      SandboxErrorCode.InvalidRequest,
    );
    expect(await errorCode(prepareRun(spec('ts', '', { files: [{ name: 'main.js', content: '' }] })))).toBe(
      SandboxErrorCode.InvalidRequest,
    );
    for (const files of [[{ name: 'main.mts', content: '' }], [{ name: 'a.ts', content: '' }, { name: 'a.js', content: '' }]]) {
      await expect(prepareRun(spec('ts', '', { files }))).rejects.toMatchObject({
        code: SandboxErrorCode.InvalidRequest,
        message: expect.stringMatching(/^file (main\.mts|a\.ts) compiles to (main\.mjs|a\.js), a name already taken$/),
      });
    }
    expect(await errorCode(prepareRun(spec('python', 1 as never)))).toBe(SandboxErrorCode.InvalidRequest);
    const small = { ...limits, tmpfsMb: 1 };
    expect(await errorCode(prepareRun({ ...spec('python', 'x'.repeat(2 << 20)), limits: small }))).toBe(
      SandboxErrorCode.LimitExceeded,
    );
  });
});
