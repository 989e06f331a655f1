/**
 * Text that may hold what sucrase, the in-sandbox transpiler, does not compile as esbuild does:
 * - dropped or miscompiled silently: namespaces and `module X {}`, enums (sucrase adds reverse
 *   mappings to string members and resolves initializers against outer bindings), parameter
 *   properties (assigned after, not declared as, fields), `import.meta` (esbuild's CommonJS
 *   output empties it);
 * - left to Node 20, which cannot run them: decorators, `accessor`, `using`;
 * - miscompiled loudly: `export *` beside a local export of the same name;
 * - strict mode asked for by the source: sucrase's helpers can come before the directive;
 * - top-level await that also parses as a call (`await (x)`) after `arguments`: the in-sandbox
 *   test for it sees only V8's first error;
 * - Unicode escapes, behind which a keyword could hide.
 * It looks at the raw text, comments and strings included, so it can only err towards esbuild:
 * a false alarm costs speed, never meaning.
 */
const ESBUILD_ONLY = [
  /@/,
  /\\u/,
  /\bnamespace\b/,
  // `module` as a declaration: followed by a name, a string or a comment, not by `.`, `(`, `)`, `=`…
  /\bmodule\b(?!\s*(?:[.,;:()[\]{}=?!&|+*%<>^~-]|\/(?![/*])|$))/,
  /\benum\b/,
  /\bimport\s*(?:\.|\/[/*])/,
  /\baccessor\b/,
  /\busing\b/,
  /\bexport\s*(?:\*|\/[/*])/,
  /use strict/,
];

/** Modifiers that make a constructor parameter a property, when a constructor is there. */
const PARAMETER_PROPERTY = /\b(?:public|private|protected|readonly|override)\b/;

function sucraseSafe(source: string): boolean {
  if (ESBUILD_ONLY.some((re) => re.test(source))) return false;
  if (/\bawait\b/.test(source) && /\barguments\b/.test(source)) return false;
  return !(/\bconstructor\b/.test(source) && PARAMETER_PROPERTY.test(source));
}

/** True when every source can be compiled inside the sandbox by sucrase with esbuild's meaning. */
export function sucraseCompiles(sources: readonly string[]): boolean {
  return sources.every(sucraseSafe);
}
