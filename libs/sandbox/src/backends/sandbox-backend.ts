import { WarmRuntime } from '../pool/warm-runtime';
import { BackendHealth, Language, RunFile, RunLimits, RunResult } from '../run-spec';

/** A run already turned into a command: the language layer did its part. */
export interface PreparedRun {
  /** Command inside the sandbox, cwd /work. */
  argv: string[];
  /** Written into /work before the program starts (the source file included). */
  files: RunFile[];
  stdin?: string;
  limits: RunLimits;
  /** What argv runs, as data: lets a warm sandbox (already running its interpreter) run it too. */
  entry?: { language: Language; runtime: WarmRuntime; main: string; args: string[] };
}

export interface SandboxBackend {
  readonly name: 'bwrap' | 'docker';
  probe(): Promise<BackendHealth>;
  execute(run: PreparedRun): Promise<RunResult>;
  /** Resolves once cleanup that outlasts the runs (containers, cgroups removed after their result) is done. */
  drain?(): Promise<void>;
}

/** The only environment user code ever sees. */
export const SANDBOX_ENV: Readonly<Record<string, string>> = Object.freeze({
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/tmp',
  LANG: 'C.UTF-8',
  TMPDIR: '/tmp',
});
