import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import { compileTypeScript, SWC_MAX_SOURCE_CHARS } from './typescript-compiler';

const COMMONJS = ['exports', 'require', 'module', '__filename', '__dirname'];

async function compiled(source: string): Promise<{ code: string; esm: boolean }> {
  const out = await compileTypeScript(source, 'main.ts');
  if (!out.ok) throw new Error(out.message);
  return out;
}

/** Runs CommonJS output the way Node's loader does and returns what it logged. */
function runCommonJs(code: string): string[] {
  const logged: string[] = [];
  const log = (...a: unknown[]) => logged.push(a.map(String).join(' '));
  const body = compileFunction(code, [...COMMONJS, 'console'], { filename: '/work/main.js' });
  const module = { exports: {} };
  body.call(module.exports, module.exports, require, module, '/work/main.js', '/work', { log });
  return logged;
}

describe('compileTypeScript', () => {
  it('strips types into CommonJS that keeps a script sloppy and a module strict', async () => {
    const script = await compiled('undeclared = 5;\nconst n: number = undeclared;\nconsole.log(n, this === module.exports);');
    expect(script.esm).toBe(false);
    expect(runCommonJs(script.code)).toEqual(['5 true']);
    const mod = await compiled("import { sep } from 'path';\nexport const x: string = sep;\nconsole.log(x, this);");
    expect(runCommonJs(mod.code)).toEqual(['/ undefined']);
    expect(mod.code).toContain('"use strict"');
  });

  it('keeps TypeScript-only constructs working', async () => {
    const out = await compiled(
      [
        'enum Color { Red = "r", Green = "g" }',
        'const enum Two { Value = 2 }',
        'namespace N { export const v = 1; }',
        'class P { declare d: string; x: number; constructor(public p = 3) {} }',
        "import os = require('os');",
        'const o = { a: 1 } satisfies Record<string, number>;',
        'console.log(Color.Green, Two.Value, N.v, JSON.stringify(new P()), typeof os.cpus, o.a!);',
      ].join('\n'),
    );
    expect(runCommonJs(out.code)).toEqual(['g 2 1 {"p":3} function 1']);
  });

  it('hands syntax that Node 20 cannot parse from swc output to esbuild, which lowers it', async () => {
    const accessor = await compiled('class F { accessor v = 1; }\nconsole.log(new F().v);');
    expect(runCommonJs(accessor.code)).toEqual(['1']);
    const decorated = await compiled('function d(t: unknown, c: { kind: string }) { console.log(c.kind); }\nclass E { @d m() {} }');
    expect(runCommonJs(decorated.code)).toEqual(['method']);
  });

  it('makes an ES module of top-level await', async () => {
    const out = await compiled('const v: number = await Promise.resolve(1);\nconsole.log(v);');
    expect(out.esm).toBe(true);
    expect(out.code).toContain('await Promise.resolve(1)');
  });

  it("reports a syntax error with esbuild's message, naming file, line and column", async () => {
    const out = await compileTypeScript('let x: number = ;', 'lib.ts');
    expect(out).toEqual({ ok: false, message: expect.stringMatching(/\[ERROR\] Unexpected ";"\n\n\s+lib\.ts:1:16:/) });
  });

  it('compiles a source beyond the in-process limit too', async () => {
    const filler = '// filler\n'.repeat(Math.ceil(SWC_MAX_SOURCE_CHARS / 10));
    const out = await compiled(`${filler}const a: number = 1;\nconsole.log(a);`);
    expect(runCommonJs(out.code)).toEqual(['1']);
  });

  it('does not open a file that a sourceMappingURL comment names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ts-map-'));
    const fifo = join(dir, 'main.js.map');
    execFileSync('mkfifo', [fifo]);
    // The writer blocks until a reader opens the FIFO: its exit would show the compiler opened it.
    const writer = spawn('sh', ['-c', 'printf "{}" > "$0"', fifo], { stdio: 'ignore' });
    const exited = new Promise<boolean>((resolve) => writer.once('exit', () => resolve(true)));
    try {
      const out = await compiled(`console.log(1 as number);\n//# sourceMappingURL=${fifo}\n`);
      expect(runCommonJs(out.code)).toEqual(['1']);
      expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r(false), 300))])).toBe(false);
    } finally {
      writer.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
