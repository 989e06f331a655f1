import { existsSync } from 'node:fs';
import { SandboxBackend } from '../src/backends/sandbox-backend';
import { BwrapBackend } from '../src/backends/bwrap';
import { DockerBackend } from '../src/backends/docker';
import { dockerTestOptions, dockerTestTarget } from '../src/backends/docker/docker-test-target';
import { rootfsInfo } from '../src/rootfs/rootfs-info';
import { WarmPoolSizes } from '../src/pool/warm-pools';
import { bwrapInspector, dockerInspector, WarmInspector } from './warm-inspectors';

export interface BackendTarget {
  name: string;
  /** Why this backend cannot run here (synchronous, so a spec can pick describe.skip), or undefined. */
  unavailable(): string | undefined;
  create(): SandboxBackend;
  /** Warm pools for the executor: the same cases then run on pre-started sandboxes. */
  warm?: WarmPoolSizes;
  /** How a pool spec sees this backend's warm sandboxes (warm targets only). */
  inspector?: WarmInspector;
}

/** Pools big enough that a sequential suite is served warm; TypeScript shares node's. */
export const TEST_WARM_POOLS: WarmPoolSizes = { python: 2, javascript: 2, typescript: 2, bash: 2 };

const bwrapUnavailable = (): string | undefined => {
  if (!existsSync('/usr/bin/bwrap')) return 'bubblewrap is not installed (apt-get install bubblewrap)';
  if (!rootfsInfo().built) return `rootfs ${rootfsInfo().dir} is not built (npm run sandbox:build)`;
  return undefined;
};

/** Every backend the shared integration specs run against; add one entry per backend. */
export const BACKEND_TARGETS: BackendTarget[] = [
  {
    name: 'bwrap',
    unavailable: bwrapUnavailable,
    create: () => new BwrapBackend(),
  },
  {
    // bwrap started through child_process and prlimit(1): what runs where the fast-spawn addon is not built.
    name: 'bwrap+node-spawn',
    unavailable: bwrapUnavailable,
    create: () => new BwrapBackend({ spawner: 'node' }),
  },
  {
    name: 'bwrap+warm',
    unavailable: bwrapUnavailable,
    create: () => new BwrapBackend(),
    warm: TEST_WARM_POOLS,
    inspector: bwrapInspector,
  },
  {
    name: 'docker',
    // Image: SANDBOX_DOCKER_IMAGE, else the one npm run sandbox:build imports; SANDBOX_DOCKER_RUNTIME=runsc for gVisor.
    unavailable: () => dockerTestTarget().unavailable,
    create: () => new DockerBackend(dockerTestOptions()),
  },
  {
    name: 'docker+warm',
    unavailable: () => dockerTestTarget().unavailable,
    create: () => new DockerBackend(dockerTestOptions()),
    warm: TEST_WARM_POOLS,
    inspector: dockerInspector,
  },
];

/** 'bwrap' for 'bwrap+warm': what executor.health() reports. */
export const backendName = (target: BackendTarget): string => target.name.split('+')[0];

/** Skips loudly on a developer machine; with CI=true a missing backend fails the run. */
export function announceSkip(target: BackendTarget, reason: string): void {
  const line = `!!! sandbox integration suite for ${target.name}: SKIPPED, ${reason}`;
  if (process.env.CI === 'true') throw new Error(`${line} (CI=true: every backend must run)`);
  console.warn(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n`);
}
