/** `auto` is CommonJS unless the source needs an ES module (top-level await). */
export type ModuleFormat = 'auto' | 'cjs' | 'esm';

export interface CompileRequest {
  id: number;
  source: string;
  file: string;
  format: ModuleFormat;
  maxBytes: number;
}

export type CompileReply =
  | { id: number; ok: true; code: string; esm: boolean }
  | { id: number; ok: false; message: string }
  | { id: number; ok: false; tooLarge: number }
  | { id: number; ok: false; broken: string };

/** Sent by the server when an exception escaped (esbuild's reader throws on output longer than a string). */
export interface CompileFatal {
  fatal: string;
}

export function isCompileReply(m: unknown): m is CompileReply {
  return typeof m === 'object' && m !== null && typeof (m as { id?: unknown }).id === 'number';
}

export function isCompileFatal(m: unknown): m is CompileFatal {
  return typeof m === 'object' && m !== null && typeof (m as { fatal?: unknown }).fatal === 'string';
}
