/**
 * Text that may hold what sucrase, the in-sandbox transpiler, does not compile as esbuild does:
 * namespaces and `module X {}` (sucrase drops them silently), decorators, `accessor` fields and
 * `using` declarations (esbuild lowers them for Node 20, sucrase leaves them as they are), and
 * Unicode escapes (a keyword could hide behind one). It looks at the raw text, comments and
 * strings included, so it can only err towards esbuild: a false alarm costs speed, never meaning.
 */
const ESBUILD_ONLY = [
  /@/,
  /\\u/,
  /\bnamespace\b/,
  // `module` as a declaration: followed by a name, a string or a comment, not by `.`, `(`, `)`, `=`…
  /\bmodule\b(?!\s*(?:[.,;:()[\]{}=?!&|+*%<>^~-]|\/(?![/*])|$))/,
  /\baccessor\b/,
  // `using x =`, `await using x =`, `for (using x of …)`; the word alone in prose is not one.
  /\busing[ \t]+[^\s=(),;:.[\]{}]+\s*(?:=(?!=)|of\b)/,
];

/** True when every source can be compiled inside the sandbox by sucrase with esbuild's meaning. */
export function sucraseCompiles(sources: readonly string[]): boolean {
  return sources.every((source) => !ESBUILD_ONLY.some((re) => re.test(source)));
}
