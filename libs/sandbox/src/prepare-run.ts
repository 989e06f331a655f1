import { PreparedRun } from './backends/sandbox-backend';
import { validateFiles } from './file-names';
import { LANGUAGES, resolveLanguage } from './languages';
import { MIB } from './limits';
import { RunFile, RunResult, RunSpec } from './run-spec';
import { SandboxError, SandboxErrorCode } from './sandbox-error';
import { COMPILE_TIME_CAP_MS, CompileBudget, sharedTypeScriptCompiler, TypeScriptCompiler } from './typescript/typescript-compiler';

export type Prepared = { kind: 'run'; run: PreparedRun } | { kind: 'result'; result: RunResult };

export const MAX_ARGS = 64;
export const MAX_ARG_LENGTH = 4096;

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
  if (name.endsWith('.d.ts') || name.endsWith('.d.mts') || name.endsWith('.d.cts')) return undefined;
  const m = /\.([mc]?)ts$/.exec(name);
  if (!m) return undefined;
  return { name: name.slice(0, -m[0].length) + `.${m[1]}js`, format: m[1] === 'm' ? 'esm' : 'cjs' };
}

const DEFAULT_TMPFS_MB = 64;

/** Turns a request into a command plus files; TypeScript is compiled here, before the sandbox. */
export async function prepareRun(spec: RunSpec, compiler: TypeScriptCompiler = sharedTypeScriptCompiler()): Promise<Prepared> {
  const language = resolveLanguage(spec.language);
  if (!language) invalid(`unknown language ${JSON.stringify(String(spec.language)).slice(0, 40)}`);
  if (typeof spec.code !== 'string') invalid('code must be a string');
  if (spec.stdin !== undefined && spec.stdin !== null && typeof spec.stdin !== 'string') invalid('stdin must be a string');
  const lang = LANGUAGES[language];
  const args = validateArgs(spec.args);
  let files: RunFile[];
  let main = lang.sourceFile;
  let mainContent = spec.code;

  if (language === 'typescript') {
    const extra = validateFiles(spec.files, [lang.sourceFile, 'main.js', 'main.mjs']);
    const budget: CompileBudget = {
      timeoutMs: Math.min(spec.limits?.timeoutMs ?? COMPILE_TIME_CAP_MS, COMPILE_TIME_CAP_MS),
      maxBytes: (spec.limits?.tmpfsMb ?? DEFAULT_TMPFS_MB) * MIB,
    };
    const started = Date.now();
    const compiled = await compiler.compile(spec.code, lang.sourceFile, 'auto', budget);
    if (!compiled.ok) return { kind: 'result', result: compileErrorResult(compiled.message, Date.now() - started) };
    main = compiled.esm ? 'main.mjs' : 'main.js';
    mainContent = compiled.code;
    files = [];
    for (const f of extra) {
      const target = compiledName(f.name);
      if (!target) {
        files.push(f);
        continue;
      }
      const out = await compiler.compile(f.content, f.name, target.format, budget);
      if (!out.ok) return { kind: 'result', result: compileErrorResult(out.message, Date.now() - started) };
      files.push({ name: target.name, content: out.code });
    }
    validateFiles(files, [main]);
  } else {
    files = validateFiles(spec.files, [lang.sourceFile]);
  }

  const all = [{ name: main, content: mainContent }, ...files];
  const bytes = all.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
  if (spec.limits && bytes > spec.limits.tmpfsMb * MIB) {
    throw new SandboxError(
      SandboxErrorCode.LimitExceeded,
      `code and files take ${bytes} bytes, more than the ${spec.limits.tmpfsMb} MiB work directory`,
    );
  }
  const run: PreparedRun = { argv: lang.command(main, args), files: all, limits: spec.limits, entry: { language, main, args } };
  if (typeof spec.stdin === 'string') run.stdin = spec.stdin;
  return { kind: 'run', run };
}
