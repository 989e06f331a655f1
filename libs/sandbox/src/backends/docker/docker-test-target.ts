import { execFileSync } from 'node:child_process';
import { rootfsInfo } from '../../rootfs/rootfs-info';
import { DockerBackendOptions } from './docker-backend-options';

export interface DockerTestTarget {
  image: string;
  /** SANDBOX_DOCKER_RUNTIME, e.g. runsc, to run the docker tests under another OCI runtime. */
  runtime?: string;
  /** Why docker tests cannot run here, or undefined when they can. */
  unavailable?: string;
}

let cached: DockerTestTarget | undefined;

/**
 * Test-only: which image the docker tests use (SANDBOX_DOCKER_IMAGE, else the image
 * `npm run sandbox:build` imports) and whether daemon and image are there. Synchronous so
 * a spec can choose `describe` or `describe.skip` at load time.
 */
export function dockerTestTarget(): DockerTestTarget {
  cached ??= findDockerTestTarget();
  return cached;
}

function findDockerTestTarget(): DockerTestTarget {
  const image = process.env.SANDBOX_DOCKER_IMAGE || rootfsInfo().imageTag;
  const runtime = process.env.SANDBOX_DOCKER_RUNTIME || undefined;
  const docker = (args: string[]) => execFileSync('docker', args, { stdio: 'pipe', timeout: 15_000 }).toString().trim();
  try {
    docker(['version', '--format', '{{.Server.Version}}']);
  } catch {
    return { image, unavailable: 'no Docker daemon answers (run scripts/docker-up.sh)' };
  }
  try {
    docker(['image', 'inspect', '--format', '{{.Id}}', image]);
  } catch {
    return { image, unavailable: `docker image ${image} is missing (run npm run sandbox:build)` };
  }
  if (runtime) {
    const runtimes = docker(['info', '--format', '{{json .Runtimes}}']);
    if (!(JSON.parse(runtimes) as Record<string, unknown>)[runtime]) {
      return { image, runtime, unavailable: `OCI runtime ${runtime} is not registered with dockerd` };
    }
  }
  return { image, runtime };
}

/** Skips loudly on a developer machine; on CI a missing daemon or image is a failure. */
export function announceDockerSkip(target: DockerTestTarget, suite: string): void {
  if (!target.unavailable) return;
  const line = `!!! ${suite}: SKIPPED, ${target.unavailable}`;
  if (process.env.CI === 'true') throw new Error(`${line} (CI=true: docker tests must run)`);
  console.warn(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n`);
}

/** Options for a DockerBackend under test: the target's image and runtime, plus `extra`. */
export function dockerTestOptions(extra: Partial<DockerBackendOptions> = {}): DockerBackendOptions {
  const { image, runtime } = dockerTestTarget();
  return { image, ...(runtime ? { runtime } : {}), ...extra };
}
