import { sucraseCompiles } from './sucrase-subset';

describe('sucraseCompiles', () => {
  it.each([
    'const n: number = 1;\nconsole.log(n);',
    'class C<T> { #a: T; b = 1; constructor(a: T) { this.#a = a; } }\nconst p: Readonly<{ x: number }> = { x: 1 };',
    "import fs from 'fs';\nexport = fs;\nimport x = require('y');",
    'if (require.main === module) main();\nmodule.exports = { a };\nconst m = module;\nf(module, 1);',
    'const v = await import("./x.mjs"); export { v }; export default v;',
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
    'await using res: Res = open();',
    'for (using/**/r of list) {}',
    'enum E { A = "a", B = A }',
    'const enum K { X }',
    'class P { label = "p"; constructor(public x: number) {} }',
    'class Q {\n  constructor(\n    readonly y: number,\n  ) {}\n}',
    'console.log(import.meta.url);',
    'console.log(import /* c */ .meta.url);',
    "export * from './a';\nexport const x = 1;",
    "export /* all */ * from './a';",
    '"use strict";\nimport fs from "fs";',
    "console.log(typeof arguments);\nconst v = await (Promise.resolve(3));",
    'n\\u0061mespace N {}',
    'ñ; module ñ {}',
  ])('sends %j to esbuild', (source) => {
    expect(sucraseCompiles(['const ok = 1;', source])).toBe(false);
  });

  it('is linear on long adversarial text', () => {
    const texts = ['module' + ' '.repeat(200_000), 'module '.repeat(30_000), 'import' + ' '.repeat(200_000), 'export '.repeat(30_000)];
    const started = process.hrtime.bigint();
    for (const t of texts) sucraseCompiles([t]);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
  });
});
