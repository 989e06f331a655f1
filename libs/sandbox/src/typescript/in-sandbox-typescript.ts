import { createHash } from 'node:crypto';
import { FORGET_EVAL_GLOBALS } from '../pool/eval-globals';
import { ROOTFS_DEFINITION } from '../rootfs/rootfs-definition';

const BUNDLE = ROOTFS_DEFINITION.typescript.path;
const WRAP_HEAD = '(function (exports, require, module) {';
const WRAP_TAIL = '\n})';
/**
 * V8's code cache for the wrapped bundle, made at sandbox:build once sucrase was trained. V8
 * checks a cache against the source's length only, so its name holds the wrapper's hash: a
 * changed wrapper finds no cache (slower, never wrong) until the tree is rebuilt.
 */
export const SUCRASE_CODE_CACHE = `${BUNDLE.replace(/\.js$/, '')}-${createHash('sha256').update(WRAP_HEAD + WRAP_TAIL).digest('hex').slice(0, 12)}.cache`;

/**
 * JavaScript that runs inside the sandbox (a node launcher's, or a cold run's): an object whose
 * `compile(dir, names)` turns the TypeScript files among `names` ('main.ts' first) into their
 * JavaScript beside them with the rootfs's sucrase and returns main's compiled name, and whose
 * `warm()` trains the transpiler on a sample before a warm sandbox waits for its code. A source
 * that does not compile throws `{ compileError }`, a message for the program's stderr.
 * sucrase is loaded with its code cache (~7 ms instead of ~25 ms); `codeCache()` makes one.
 * main.ts becomes main.js (CommonJS), or main.mjs when it needs an ES module (top-level await);
 * other .ts files become .js (CommonJS), .mts → .mjs, .cts → .cjs; .d.ts are left as they are.
 */
export const TYPESCRIPT_IN_SANDBOX = String.raw`(() => {
  const fs = require('fs');
  const vm = require('vm');
  const { transform, codeCache, cacheRejected } = (() => {
    let cachedData;
    try {
      cachedData = fs.readFileSync(${JSON.stringify(SUCRASE_CODE_CACHE)});
    } catch {}
    const source = ${JSON.stringify(WRAP_HEAD)} + fs.readFileSync(${JSON.stringify(BUNDLE)}, 'utf8') + ${JSON.stringify(WRAP_TAIL)};
    const script = new vm.Script(source, { filename: ${JSON.stringify(BUNDLE)}, cachedData });
    const module = { exports: {} };
    script.runInThisContext()(module.exports, require, module);
    return { transform: module.exports.transform, codeCache: () => script.createCachedData(), cacheRejected: script.cachedDataRejected };
  })();
  const outputOf = (name) => {
    if (/\.d\.[mc]?ts$/.test(name)) return null;
    const m = /\.([mc]?)ts$/.exec(name);
    return m && { name: name.slice(0, -m[0].length) + '.' + m[1] + 'js', esm: m[1] === 'm' };
  };
  // esbuild's CommonJS is sloppy mode unless the source says so (such sources go to esbuild);
  // sucrase's imports transform adds "use strict", after a hashbang's first \n, wherever that is.
  const toJs = (source, file, esm) => {
    const code = transform(source.replace(/^#!/, '//'), {
      transforms: esm ? ['typescript'] : ['typescript', 'imports'],
      disableESTransforms: true,
      preserveDynamicImport: true,
      injectCreateRequireForImportRequire: esm,
      filePath: file,
    }).code;
    return esm ? code : code.replace(/^"use strict";/, '');
  };
  const parseError = (code, file, head, tail) => {
    try {
      new vm.Script(head + code + tail, { filename: file });
      return null;
    } catch (err) {
      return String((err && err.message) || err);
    }
  };
  // Top-level await, as esbuild decided: the body parses as an async function's and not as a plain
  // one's, or (await (x) parses both ways) it parses in neither but in an async function.
  const needsModule = (code, file) => {
    if (parseError(code, file, '(async function () {', '\n})') !== null) return false;
    if (parseError(code, file, '(function () {', '\n})') !== null) return true;
    return /^Unexpected reserved word$/.test(parseError(code, file, '(class { static {', '\n} })') || '');
  };
  const describe = (file, source, err) => {
    const what = String((err && err.message) || err).replace(/^Error transforming [^:]*: /, '');
    const loc = err && err.loc;
    if (!loc || typeof loc.line !== 'number') return file + ': ' + what + '\n';
    const line = (source.split('\n')[loc.line - 1] || '').slice(0, 200);
    const caret = ' '.repeat(Math.max(0, Math.min(loc.column - 1, 200))) + '^';
    return file + ':' + loc.line + ':' + loc.column + ': error: ' + what.replace(/ \(\d+:\d+\)$/, '') + '\n    ' + line + '\n    ' + caret + '\n';
  };
  const compile = (dir, names) => {
    let main;
    for (const name of names) {
      const out = outputOf(name);
      if (!out) continue;
      let source = '';
      try {
        source = fs.readFileSync(dir + '/' + name, 'utf8');
        let code = toJs(source, name, out.esm);
        if (name === 'main.ts' && /\bawait\b/.test(source) && needsModule(code, out.name)) {
          code = toJs(source, name, true);
          out.name = 'main.mjs';
        }
        fs.writeFileSync(dir + '/' + out.name, code, { flag: 'wx', mode: 0o644 });
      } catch (err) {
        throw { compileError: describe(name, source, err) };
      }
      if (name === 'main.ts') main = out.name;
    }
    return main;
  };
  const sample = 'interface I { x: number } type U = string | number;\n' +
    'class C<T> extends Object { #a: T; b?: number = 1; constructor(a: T) { super(); this.#a = a; } get(): T { return this.#a!; } }\n' +
    'import type { T } from "./t"; import fs, { readFileSync } from "fs"; export const f = async (x: number): Promise<string> => String(x as unknown);\n' +
    'export default function g<T extends object>(o: T, ...r: number[]): keyof T | undefined { return (Object.keys(o) as (keyof T)[])[r.length]; }\n' +
    'const v = { a: 1 } satisfies Record<string, number>; console.log(new C<number>(2).get(), v, fs, readFileSync, await f(1));\n';
  const warm = () => {
    for (let i = 0; i < 10; i++) needsModule(toJs(sample, 'main.ts', false), 'main.js') && toJs(sample, 'main.ts', true);
  };
  return { compile, warm, codeCache, cacheRejected };
})()`;

/** The names of a run's files with main.ts first, as the in-sandbox compiler wants them. */
const COLLECT_NAMES = String.raw`fs.readdirSync('/work', { recursive: true }).filter((n) => n !== 'main.ts' && fs.statSync('/work/' + n).isFile())`;

/**
 * A cold TypeScript run: `node -e` this, then `--` and the program's args. It compiles what is
 * in /work and then runs the compiled main as a warm node launcher does (argv, no -e globals).
 */
export const TYPESCRIPT_COLD_SCRIPT = String.raw`(() => {
  const fs = require('fs');
  const Module = require('module');
  let main;
  try {
    main = ${TYPESCRIPT_IN_SANDBOX}.compile('/work', ['main.ts', ...${COLLECT_NAMES}]);
  } catch (err) {
    if (!err || typeof err.compileError !== 'string') throw err;
    fs.writeSync(2, err.compileError);
    process.exitCode = 1;
    return;
  }
  process.argv = [process.execPath, '/work/' + main, ...process.argv.slice(1)];
  process.execArgv.length = 0;
  delete process._eval;
  process.nextTick(() => {
    ${FORGET_EVAL_GLOBALS}
    Module.runMain();
  });
})();
`;

export function typescriptColdArgv(args: readonly string[]): string[] {
  return ['node', '-e', TYPESCRIPT_COLD_SCRIPT, '--', ...args];
}
