import type Docker from 'dockerode';
import type { Container } from 'dockerode';
import { BackendHealth, RunLimits, RunResult } from '../../run-spec';
import { SandboxError, SandboxErrorCode } from '../../sandbox-error';
import { PreparedRun, SandboxBackend } from '../sandbox-backend';
import { containerCreateOptions, numericUser } from './container-create-options';
import { DOCKER_OWNER_LABEL, ownerIsGone } from './container-owner';
import { launcherInvocation } from './container-launcher';
import { ContainerRun } from './container-run';
import { DockerWarmSandbox } from './docker-warm-sandbox';
import { WarmRuntime } from '../../pool/warm-runtime';
import { WarmCapable, WarmSandbox } from '../../pool/warm-sandbox';
import { DOCKER_BACKEND_LABEL, DOCKER_BACKEND_LABEL_VALUE, DockerBackendOptions } from './docker-backend-options';

/** The in-container watchdog fires this long after our own timer, only if we are gone. */
const WATCHDOG_GRACE_MS = 5000;
/** Longer than any container of a live process exists (a warm one's lifetime included). */
const DEFAULT_LEFTOVER_AGE_MS = 15 * 60_000;

/**
 * Runs each PreparedRun in a fresh, locked-down container that is always removed afterwards;
 * warm sandboxes (for the executor's pools) are the same containers started in advance.
 */
export class DockerBackend implements SandboxBackend, WarmCapable {
  readonly name = 'docker' as const;
  private dockerClient?: Docker;
  private leftoversChecked = false;

  constructor(private readonly options: DockerBackendOptions) {
    if (options.user !== undefined) numericUser(options.user);
    // 0 would mean "no limit" to Docker, so only positive values are accepted.
    for (const key of ['cpus', 'tmpfsInodes', 'maxOpenFiles'] as const) {
      const value = options[key];
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
        throw new Error(`docker backend option ${key} must be a positive number, got ${value}`);
      }
    }
  }

  /** dockerode is loaded on first use: it adds ~20 MB to a process that may only run bwrap, which every fork of it (the child_process path) copies. */
  private get docker(): Docker {
    if (!this.dockerClient) {
      const Dockerode = require('dockerode') as typeof Docker;
      this.dockerClient = new Dockerode(this.options.socketPath ? { socketPath: this.options.socketPath } : undefined);
    }
    return this.dockerClient;
  }

  async probe(): Promise<BackendHealth> {
    const notReady = (reason: string): BackendHealth => ({ backend: this.name, ready: false, reason });
    try {
      await this.docker.ping();
    } catch (e) {
      return notReady(`Docker daemon not answering (${this.options.socketPath ?? 'default socket'}): ${message(e)}`);
    }
    let volumes: Record<string, unknown> | undefined;
    try {
      volumes = (await this.docker.getImage(this.options.image).inspect()).Config?.Volumes ?? undefined;
    } catch (e) {
      return notReady(`sandbox image ${this.options.image} not found (build it with npm run sandbox:build): ${message(e)}`);
    }
    if (volumes && Object.keys(volumes).length > 0) {
      // Docker would back each declared volume with a writable host directory.
      return notReady(`sandbox image ${this.options.image} declares volumes (${Object.keys(volumes).join(', ')})`);
    }
    if (this.options.runtime) {
      const info = (await this.docker.info()) as { Runtimes?: Record<string, unknown> };
      if (!info.Runtimes?.[this.options.runtime]) {
        return notReady(`OCI runtime ${this.options.runtime} is not registered with dockerd`);
      }
    }
    if (!this.leftoversChecked) {
      this.leftoversChecked = true;
      // A crashed gateway leaves its containers behind (the watchdog only stops them).
      this.removeLeftovers().catch(() => undefined);
    }
    return { backend: this.name, ready: true };
  }

  /**
   * Removes this backend's containers whose creating process is gone (same host and pid
   * namespace) or that are older than any run can last; returns how many.
   */
  async removeLeftovers(olderThanMs = this.options.leftoverAgeMs ?? DEFAULT_LEFTOVER_AGE_MS): Promise<number> {
    const labels = { ...this.options.labels, [DOCKER_BACKEND_LABEL]: DOCKER_BACKEND_LABEL_VALUE };
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) },
    });
    const cutoffSeconds = (Date.now() - olderThanMs) / 1000;
    const stale = containers.filter((c) => c.Created < cutoffSeconds || ownerIsGone(c.Labels?.[DOCKER_OWNER_LABEL]));
    await Promise.all(stale.map((c) => removeContainer(this.docker.getContainer(c.Id))));
    return stale.length;
  }

  async execute(run: PreparedRun): Promise<RunResult> {
    const { cmd, stdin } = launcherInvocation(run, run.limits.timeoutMs + WATCHDOG_GRACE_MS);
    const container = await this.create(run.limits, cmd);
    return this.finish(container, async () => (await ContainerRun.start(container, run.limits)).complete(stdin));
  }

  /** For the executor's warm pools: the same container as a cold run, started in advance. */
  async startWarm(runtime: WarmRuntime, limits: RunLimits): Promise<WarmSandbox> {
    return DockerWarmSandbox.start(this.docker, this.options, runtime, limits);
  }

  /** Warm containers are removed after their run resolved; this waits for those removals. */
  async drain(): Promise<void> {
    await DockerWarmSandbox.drain();
  }

  private async create(limits: RunLimits, cmd: string[]): Promise<Container> {
    try {
      return await this.docker.createContainer(containerCreateOptions(this.options, limits, cmd));
    } catch (e) {
      throw new SandboxError(SandboxErrorCode.Unavailable, `docker backend cannot create a container: ${message(e)}`);
    }
  }

  private async finish(container: Container, body: () => Promise<RunResult>): Promise<RunResult> {
    try {
      return await body();
    } catch (e) {
      if (e instanceof SandboxError) throw e;
      throw new SandboxError(SandboxErrorCode.Internal, `docker run failed: ${message(e)}`);
    } finally {
      await removeContainer(container);
    }
  }
}

/** force kills whatever still runs; only after this resolves is every process of the run gone. */
async function removeContainer(container: Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    // 404: already gone. 409: a removal is already in progress; wait for it to finish.
    if (status === 404) return;
    if (status === 409) {
      await container.wait({ condition: 'removed' }).catch(() => undefined);
      return;
    }
    throw new SandboxError(SandboxErrorCode.Internal, `docker could not remove container ${container.id}: ${message(e)}`);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
