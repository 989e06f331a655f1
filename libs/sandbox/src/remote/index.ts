export type { ChildProcessExecutorOptions } from './child-process-executor';
export { ChildProcessExecutor } from './child-process-executor';
export type { RunnerOptions } from './runner-options';
export { parseRunnerOptions } from './runner-options';
export type { RunnerStats, WarmUsage } from './runner-protocol';
export { serveRunner } from './runner-server';
export { runnerEnv } from './runner-env';
export { runnerEntryPath } from './runner-entry';
