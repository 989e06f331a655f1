import { formatMessages, Message, transform, version as esbuildVersion } from 'esbuild';
import { SwcAnswer, SwcWorker, TS_MAX_NESTING, TS_MAX_SOURCE_CHARS } from './swc-worker';

export type CompileOutcome = { ok: true; code: string; esm: boolean } | { ok: false; message: string };

// From package.json: importing @swc/core at start-up would load its binding before it is needed.
const swcVersion = (require('@swc/core/package.json') as { version: string }).version;
export const TYPESCRIPT_COMPILERS = `swc ${swcVersion}, esbuild ${esbuildVersion}`;

const swc = new SwcWorker();

/** Starts swc's thread now rather than on the first TypeScript run. */
export function startTypeScriptCompiler(): void {
  swc.start();
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

/** esbuild's worst case for a source whose nesting could not be measured: 134 MB of output. */
const UNMEASURED_MAX_CHARS = 16 * 1024;

function openers(source: string): number {
  let n = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) n++;
  }
  return n;
}

/** Why a source is not compiled at all, if it is not: its output could grow out of all proportion. */
function refusal(source: string, file: string, answer: SwcAnswer | null): string | undefined {
  const kib = (n: number) => `${n / 1024} KiB`;
  if (source.length > TS_MAX_SOURCE_CHARS) return `${file}: TypeScript sources over ${kib(TS_MAX_SOURCE_CHARS)} are not compiled\n`;
  const depth = answer ? answer.depth : openers(source) > TS_MAX_NESTING ? null : undefined;
  if (typeof depth === 'number' && depth > TS_MAX_NESTING) {
    return `${file}: nested ${depth} levels deep; TypeScript is compiled up to ${TS_MAX_NESTING} levels of blocks, bodies and literals\n`;
  }
  if (depth === null && source.length > UNMEASURED_MAX_CHARS) {
    return `${file}: its nesting could not be measured, and TypeScript sources over ${kib(UNMEASURED_MAX_CHARS)} are compiled only once it is\n`;
  }
  return undefined;
}

/**
 * TypeScript → JavaScript outside the sandbox (syntax only, like ts-node --transpile-only): swc
 * where Node will parse its output, else esbuild, whose verdict and messages are the reference
 * (syntax errors, top-level await, syntax swc leaves for a newer Node such as `accessor`).
 */
export async function compileTypeScript(source: string, file: string): Promise<CompileOutcome> {
  const answer = source.length > TS_MAX_SOURCE_CHARS ? null : await swc.compile(source, file);
  const refused = refusal(source, file, answer);
  if (refused !== undefined) return { ok: false, message: refused };
  return typeof answer?.code === 'string' ? { ok: true, code: answer.code, esm: false } : esbuildCompile(source, file);
}
