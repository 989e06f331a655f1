import { PreparedRun } from './backends/sandbox-backend';
import { validateFiles } from './file-names';
import { LANGUAGES, LanguageSpec, resolveLanguage } from './languages';
import { MIB } from './limits';
import { Language, RunFile, RunResult, RunSpec } from './run-spec';
import { SandboxError, SandboxErrorCode } from './sandbox-error';
import { WarmRuntime, warmRuntimeOf } from './pool/warm-runtime';
import { ModuleFormat } from './typescript/compile-protocol';
import { typescriptColdArgv } from './typescript/in-sandbox-typescript';
import { sucraseCompiles } from './typescript/sucrase-subset';
import { COMPILE_TIME_CAP_MS, sharedTypeScriptCompiler, TypeScriptCompiler } from './typescript/typescript-compiler';

export type Prepared = { kind: 'run'; run: PreparedRun } | { kind: 'result'; result: RunResult };

export const MAX_ARGS = 64;
export const MAX_ARG_LENGTH = 4096;

/** A request whose every field has been checked; TypeScript sources are still to be compiled. */
export interface CheckedRun {
  spec: RunSpec;
  language: Language;
  lang: LanguageSpec;
  args: string[];
  /** Written as they are, for TypeScript after the compiled ones. */
  files: RunFile[];
  /** TypeScript extra files and what each becomes. */
  sources: { file: RunFile; name: string; format: 'cjs' | 'esm' }[];
  /** TypeScript only: compiled inside the sandbox (sucrase) rather than before it (esbuild). */
  inSandbox: boolean;
}

function invalid(message: string): never {
  throw new SandboxError(SandboxErrorCode.InvalidRequest, message);
}

function validateArgs(args: unknown): string[] {
  if (args === undefined || args === null) return [];
  if (!Array.isArray(args)) invalid('args must be an array of strings');
  if (args.length > MAX_ARGS) invalid(`at most ${MAX_ARGS} args are allowed`);
  for (const a of args) {
    if (typeof a !== 'string') invalid('args must be an array of strings');
    if (a.includes('\0')) invalid('args must not contain NUL bytes');
    if (a.length > MAX_ARG_LENGTH) invalid(`each arg must be at most ${MAX_ARG_LENGTH} characters`);
  }
  return [...args];
}

export function compileErrorResult(message: string, durationMs: number): RunResult {
  return {
    exitCode: 1,
    signal: null,
    stdout: '',
    stderr: message,
    stdoutTruncated: false,
    stderrTruncated: false,
    timedOut: false,
    oomKilled: false,
    durationMs,
  };
}

/** Extra TypeScript files keep their module kind: .ts → .js (CommonJS), .mts → .mjs, .cts → .cjs. */
function compiledName(name: string): { name: string; format: 'cjs' | 'esm' } | undefined {
  if (/\.d\.[mc]?ts$/.test(name)) return undefined;
  const m = /\.([mc]?)ts$/.exec(name);
  if (!m) return undefined;
  return { name: name.slice(0, -m[0].length) + `.${m[1]}js`, format: m[1] === 'm' ? 'esm' : 'cjs' };
}

function tooLarge(bytes: number, tmpfsMb: number): SandboxError {
  return new SandboxError(SandboxErrorCode.LimitExceeded, `code and files take ${bytes} bytes, more than the ${tmpfsMb} MiB work directory`);
}

const byteSize = (files: readonly RunFile[]) => files.reduce((n, f) => n + Buffer.byteLength(f.content), 0);

/** Checks a request without running or compiling anything; throws invalid_request or limit_exceeded. */
export function checkRun(spec: RunSpec): CheckedRun {
  const language = resolveLanguage(spec.language);
  if (!language) invalid(`unknown language ${JSON.stringify(String(spec.language)).slice(0, 40)}`);
  if (typeof spec.code !== 'string') invalid('code must be a string');
  if (spec.stdin !== undefined && spec.stdin !== null && typeof spec.stdin !== 'string') invalid('stdin must be a string');
  const lang = LANGUAGES[language];
  const args = validateArgs(spec.args);
  if (language !== 'typescript') {
    const files = validateFiles(spec.files, [lang.sourceFile]);
    return { spec, language, lang, args, files, sources: [], inSandbox: false };
  }
  const extra = validateFiles(spec.files, [lang.sourceFile, 'main.js', 'main.mjs']);
  const sources: CheckedRun['sources'] = [];
  const files: RunFile[] = [];
  for (const file of extra) {
    const target = compiledName(file.name);
    if (target) sources.push({ file, ...target });
    else files.push(file);
  }
  // The names as they will be in the sandbox, checked before anything is compiled.
  const taken = new Set(['main.js', 'main.mjs', ...files.map((f) => f.name)]);
  for (const s of sources) {
    if (taken.has(s.name)) invalid(`file ${s.file.name} compiles to ${s.name}, a name already taken`);
    taken.add(s.name);
  }
  validateFiles([...sources.map((s) => ({ name: s.name, content: '' })), ...files], ['main.js', 'main.mjs']);
  const inSandbox = sucraseCompiles([spec.code, ...sources.map((s) => s.file.content)]);
  return { spec, language, lang, args, files, sources, inSandbox };
}

/**
 * Compiles what a checked TypeScript request holds, all of it within one time budget (the
 * run's timeout, at most COMPILE_TIME_CAP_MS) and within the work directory's size.
 */
async function compileSources(checked: CheckedRun, compiler: TypeScriptCompiler): Promise<Prepared> {
  const { spec } = checked;
  const started = Date.now();
  const timeLimitMs = Math.min(spec.limits.timeoutMs, COMPILE_TIME_CAP_MS);
  const kept = [...typescriptSources(checked), ...checked.files];
  const budget = { remainingMs: timeLimitMs, timeLimitMs, maxBytes: spec.limits.tmpfsMb * MIB - byteSize(kept) };
  if (budget.maxBytes < 0) throw tooLarge(byteSize(kept), spec.limits.tmpfsMb);
  const compile = async (source: string, file: string, format: ModuleFormat) => {
    const out = await compiler.compile(source, file, format, budget);
    if (out.ok) budget.maxBytes -= Buffer.byteLength(out.code);
    return out;
  };
  const main = await compile(spec.code, checked.lang.sourceFile, 'auto');
  if (!main.ok) return { kind: 'result', result: compileErrorResult(main.message, Date.now() - started) };
  const compiled: RunFile[] = [{ name: main.esm ? 'main.mjs' : 'main.js', content: main.code }];
  for (const s of checked.sources) {
    const out = await compile(s.file.content, s.file.name, s.format);
    if (!out.ok) return { kind: 'result', result: compileErrorResult(out.message, Date.now() - started) };
    compiled.push({ name: s.name, content: out.code });
  }
  return toRun(checked, [...compiled, ...kept], 'node');
}

/** main.ts and the other TypeScript sources, which stay in /work beside their JavaScript. */
function typescriptSources(checked: CheckedRun): RunFile[] {
  return [{ name: checked.lang.sourceFile, content: checked.spec.code }, ...checked.sources.map((s) => s.file)];
}

function toRun(checked: CheckedRun, all: RunFile[], runtime: WarmRuntime): Prepared {
  const { spec, lang, language, args } = checked;
  const bytes = byteSize(all);
  if (bytes > spec.limits.tmpfsMb * MIB) throw tooLarge(bytes, spec.limits.tmpfsMb);
  const main = all[0].name;
  const argv = runtime === 'typescript' ? typescriptColdArgv(args) : lang.command(main, args);
  const run: PreparedRun = { argv, files: all, limits: spec.limits, entry: { language, runtime, main, args } };
  if (typeof spec.stdin === 'string') run.stdin = spec.stdin;
  return { kind: 'run', run };
}

/**
 * Turns a checked request into a command plus files. TypeScript is compiled inside the sandbox
 * when sucrase gives it esbuild's meaning, else here, before the sandbox, with esbuild.
 */
export async function finishRun(checked: CheckedRun, compiler: TypeScriptCompiler = sharedTypeScriptCompiler()): Promise<Prepared> {
  if (checked.language === 'typescript' && !checked.inSandbox) return compileSources(checked, compiler);
  if (checked.language === 'typescript') return toRun(checked, [...typescriptSources(checked), ...checked.files], 'typescript');
  return toRun(checked, [{ name: checked.lang.sourceFile, content: checked.spec.code }, ...checked.files], warmRuntimeOf(checked.language));
}

export async function prepareRun(spec: RunSpec, compiler?: TypeScriptCompiler): Promise<Prepared> {
  return finishRun(checkRun(spec), compiler);
}
