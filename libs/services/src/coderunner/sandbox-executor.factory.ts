import { SandboxExecutor, defaultBackends } from '@app/sandbox';
import { CoderunnerConfig } from './coderunner.config';

export function createSandboxExecutor(c: CoderunnerConfig): SandboxExecutor {
  return new SandboxExecutor({
    backend: c.backend,
    limits: c.limitsTable(),
    maxConcurrency: c.maxConcurrency,
    maxQueue: c.maxQueue,
    warm: c.warmSizes(),
    warmRefillConcurrency: c.poolRefillConcurrency,
    backends: defaultBackends({
      docker: { ...(c.dockerImage ? { image: c.dockerImage } : {}), ...(c.dockerRuntime ? { runtime: c.dockerRuntime } : {}) },
      bwrap: c.rootfsDir ? { rootfsDir: c.rootfsDir } : {},
    }),
  });
}
