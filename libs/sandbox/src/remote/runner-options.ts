import { DefaultBackendsOptions, defaultBackends } from '../default-backends';
import { SandboxBackend } from '../backends/sandbox-backend';
import { SandboxExecutor, SandboxExecutorOptions } from '../sandbox-executor';

/** SandboxExecutorOptions as plain data: what crosses the process boundary to the runner. */
export type RunnerOptions = Omit<SandboxExecutorOptions, 'backends'> & { backends?: DefaultBackendsOptions };

export function parseRunnerOptions(json: string | undefined): RunnerOptions {
  if (!json) throw new Error('sandbox runner: options JSON expected as the first argument');
  const parsed = JSON.parse(json) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('sandbox runner: options must be a JSON object');
  }
  return parsed as RunnerOptions;
}

export function executorFromOptions(options: RunnerOptions): { executor: SandboxExecutor; backends: SandboxBackend[] } {
  const { backends: backendOptions, ...rest } = options;
  const backends = defaultBackends(backendOptions);
  return { executor: new SandboxExecutor({ ...rest, backends }), backends };
}
