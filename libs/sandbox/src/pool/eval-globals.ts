/**
 * JavaScript statements that remove the globals `node -e` made (every built-in module by name,
 * and require, module, exports, __filename, __dirname, restored once the eval returned), so a
 * program started from a `node -e` launcher sees the globals of `node main.js`. Needs `Module`.
 */
export const FORGET_EVAL_GLOBALS = String.raw`const cold = new Set(['console', 'process', 'crypto']);
    for (const name of Module.builtinModules) if (!cold.has(name)) delete globalThis[name];
    for (const name of ['require', 'module', 'exports', '__filename', '__dirname']) delete globalThis[name];`;
