import { existsSync } from 'node:fs';
import { SandboxBackend } from '../src/backends/sandbox-backend';
import { BwrapBackend } from '../src/backends/bwrap';
import { DockerBackend } from '../src/backends/docker';
import { dockerTestOptions, dockerTestTarget } from '../src/backends/docker/docker-test-target';
import { rootfsInfo } from '../src/rootfs/rootfs-info';

export interface BackendTarget {
  name: string;
  /** Why this backend cannot run here (synchronous, so a spec can pick describe.skip), or undefined. */
  unavailable(): string | undefined;
  create(): SandboxBackend;
}

/** Every backend the shared integration specs run against; add one entry per backend. */
export const BACKEND_TARGETS: BackendTarget[] = [
  {
    name: 'bwrap',
    unavailable: () => {
      if (!existsSync('/usr/bin/bwrap')) return 'bubblewrap is not installed (apt-get install bubblewrap)';
      if (!rootfsInfo().built) return `rootfs ${rootfsInfo().dir} is not built (npm run sandbox:build)`;
      return undefined;
    },
    create: () => new BwrapBackend(),
  },
  {
    name: 'docker',
    // Image: SANDBOX_DOCKER_IMAGE, else the one npm run sandbox:build imports; SANDBOX_DOCKER_RUNTIME=runsc for gVisor.
    unavailable: () => dockerTestTarget().unavailable,
    create: () => new DockerBackend(dockerTestOptions()),
  },
];

/** Skips loudly on a developer machine; with CI=true a missing backend fails the run. */
export function announceSkip(target: BackendTarget, reason: string): void {
  const line = `!!! sandbox integration suite for ${target.name}: SKIPPED, ${reason}`;
  if (process.env.CI === 'true') throw new Error(`${line} (CI=true: every backend must run)`);
  console.warn(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n`);
}
