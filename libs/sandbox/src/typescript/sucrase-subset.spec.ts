import { sucraseCompiles } from './sucrase-subset';

describe('sucraseCompiles', () => {
  it.each([
    'const n: number = 1;\nconsole.log(n);',
    'enum E { A, B = A + 2 }\nconst enum K { X }\nclass C<T> { constructor(private a: T) {} }',
    "import fs from 'fs';\nexport = fs;\nimport x = require('y');",
    'if (require.main === module) main();\nmodule.exports = { a };\nconst m = module;\nf(module, 1);',
    'const v = await import("./x.mjs"); console.log(import.meta.url);',
    '// using a map here is fine\nconst using = 1; using + 1; using == 2;',
    "const s = 'modules and namespaces'; // module.exports stays",
  ])('leaves %j to the sandbox', (source) => {
    expect(sucraseCompiles([source])).toBe(true);
  });

  it.each([
    'namespace N { export const z = 1; }',
    'module M { export const z = 1; }',
    'declare module "x" { }',
    'module\n  M { }',
    'module /* c */ M {}',
    'function d(t: any) {}\nclass C { @d m() {} }',
    'class G { accessor v = 1 }',
    'using res = open();',
    'await using res = open();',
    'for (using r of list) {}',
    'n\\u0061mespace N {}',
    'ñ; module ñ {}',
  ])('sends %j to esbuild', (source) => {
    expect(sucraseCompiles(['const ok = 1;', source])).toBe(false);
  });

  it('is linear on long adversarial text', () => {
    const texts = ['using ' + 'x'.repeat(200_000), 'module' + ' '.repeat(200_000), 'module '.repeat(30_000), 'using '.repeat(30_000) + '='];
    const started = process.hrtime.bigint();
    for (const t of texts) sucraseCompiles([t]);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
  });
});
