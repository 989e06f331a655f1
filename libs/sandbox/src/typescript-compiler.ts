import { formatMessages, Message, transform, version as esbuildVersion } from 'esbuild';

export type CompileOutcome = { ok: true; code: string; esm: boolean } | { ok: false; message: string };

export const ESBUILD_VERSION: string = esbuildVersion;

function isTransformFailure(err: unknown): err is { errors: Message[] } {
  return typeof err === 'object' && err !== null && Array.isArray((err as { errors?: unknown }).errors);
}

async function once(source: string, file: string, format: 'cjs' | 'esm'): Promise<CompileOutcome> {
  try {
    const out = await transform(source, { loader: 'ts', format, target: 'node20', sourcefile: file, logLevel: 'silent' });
    return { ok: true, code: out.code, esm: format === 'esm' };
  } catch (err) {
    if (!isTransformFailure(err)) throw err;
    const lines = await formatMessages(err.errors, { kind: 'error', color: false });
    return { ok: false, message: lines.join('') };
  }
}

/** TypeScript → JavaScript outside the sandbox (syntax only, like ts-node --transpile-only). */
export async function compileTypeScript(source: string, file: string): Promise<CompileOutcome> {
  const cjs = await once(source, file, 'cjs');
  // Top-level await only exists in ES modules; keep CommonJS (require) for everything else.
  if (!cjs.ok && /top-level await/i.test(cjs.message)) {
    const esm = await once(source, file, 'esm');
    if (esm.ok) return esm;
  }
  return cjs;
}
