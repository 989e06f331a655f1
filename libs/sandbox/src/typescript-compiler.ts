import { Options, transformSync, version as swcVersion } from '@swc/core';
import { formatMessages, Message, transform, version as esbuildVersion } from 'esbuild';
import { compileFunction } from 'node:vm';

export type CompileOutcome = { ok: true; code: string; esm: boolean } | { ok: false; message: string };

export const TYPESCRIPT_COMPILERS = `swc ${swcVersion}, esbuild ${esbuildVersion}`;

/** Above this, swc's synchronous call and V8's parse would hold the event loop for milliseconds. */
export const SWC_MAX_SOURCE_CHARS = 64 * 1024;

const COMMONJS_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname'];

// No config file and no source map in or out: nothing in the user's source may make swc read a host file.
const swcOptions = (file: string): Options => ({
  filename: file,
  swcrc: false,
  configFile: false,
  inputSourceMap: false,
  sourceMaps: false,
  isModule: 'unknown',
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
});

/**
 * swc in this process: ~0.5 ms on an idle core against esbuild's ~2 ms round trip to its
 * service process. Its output is used only if V8 parses it as the CommonJS module body Node
 * will run; anything else (a syntax error, top-level await, syntax swc leaves for a newer Node)
 * returns null and goes to esbuild, whose verdict and messages are the reference.
 */
function swcCommonJs(source: string, file: string): string | null {
  if (source.length > SWC_MAX_SOURCE_CHARS) return null;
  try {
    const { code } = transformSync(source, swcOptions(file));
    compileFunction(code, COMMONJS_PARAMETERS, { filename: file });
    return code;
  } catch {
    return null;
  }
}

function isTransformFailure(err: unknown): err is { errors: Message[] } {
  return typeof err === 'object' && err !== null && Array.isArray((err as { errors?: unknown }).errors);
}

async function esbuildOnce(source: string, file: string, format: 'cjs' | 'esm'): Promise<CompileOutcome> {
  try {
    const out = await transform(source, { loader: 'ts', format, target: 'node20', sourcefile: file, logLevel: 'silent' });
    return { ok: true, code: out.code, esm: format === 'esm' };
  } catch (err) {
    if (!isTransformFailure(err)) throw err;
    const lines = await formatMessages(err.errors, { kind: 'error', color: false });
    return { ok: false, message: lines.join('') };
  }
}

async function esbuildCompile(source: string, file: string): Promise<CompileOutcome> {
  const cjs = await esbuildOnce(source, file, 'cjs');
  // Top-level await only exists in ES modules; keep CommonJS (require) for everything else.
  if (!cjs.ok && /top-level await/i.test(cjs.message)) {
    const esm = await esbuildOnce(source, file, 'esm');
    if (esm.ok) return esm;
  }
  return cjs;
}

/** TypeScript → JavaScript outside the sandbox (syntax only, like ts-node --transpile-only). */
export async function compileTypeScript(source: string, file: string): Promise<CompileOutcome> {
  const code = swcCommonJs(source, file);
  return code === null ? esbuildCompile(source, file) : { ok: true, code, esm: false };
}
