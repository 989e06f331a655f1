import { ChildProcessExecutor, Executor, RunnerOptions, SandboxExecutor, defaultBackends, fastSpawnAvailable } from '@app/sandbox';
import { CoderunnerConfig } from './coderunner.config';

function runnerOptions(c: CoderunnerConfig): RunnerOptions {
  return {
    backend: c.backend,
    limits: c.limitsTable(),
    maxConcurrency: c.maxConcurrency,
    maxQueue: c.maxQueue,
    warm: c.warmSizes(),
    warmRefillConcurrency: c.poolRefillConcurrency,
    backends: {
      docker: { ...(c.dockerImage ? { image: c.dockerImage } : {}), ...(c.dockerRuntime ? { runtime: c.dockerRuntime } : {}) },
      bwrap: { ...(c.rootfsDir ? { rootfsDir: c.rootfsDir } : {}), pythonZygote: c.pythonZygote },
    },
  };
}

export function createSandboxExecutor(c: CoderunnerConfig): Executor {
  const options = runnerOptions(c);
  const inline = c.executor === 'inline' || (c.executor === 'auto' && fastSpawnAvailable());
  if (!inline) return new ChildProcessExecutor({ runner: options });
  const { backends, ...rest } = options;
  return new SandboxExecutor({ ...rest, backends: defaultBackends(backends) });
}
