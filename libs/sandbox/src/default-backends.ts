import { BwrapBackend, BwrapBackendOptions } from './backends/bwrap';
import { DockerBackend, DockerBackendOptions } from './backends/docker';
import { SandboxBackend } from './backends/sandbox-backend';
import { rootfsInfo } from './rootfs/rootfs-info';

export interface DefaultBackendsOptions {
  docker?: Partial<DockerBackendOptions> | false;
  bwrap?: BwrapBackendOptions | false;
}

/** Docker first (used when its daemon answers and the image exists), then bubblewrap. */
export function defaultBackends(options: DefaultBackendsOptions = {}): SandboxBackend[] {
  const backends: SandboxBackend[] = [];
  if (options.docker !== false) backends.push(new DockerBackend({ image: rootfsInfo().imageTag, ...options.docker }));
  if (options.bwrap !== false) backends.push(new BwrapBackend(options.bwrap || {}));
  return backends;
}
