import Docker from 'dockerode';
import type { Container } from 'dockerode';
import { BackendHealth, RunLimits, RunResult } from '../../run-spec';
import { SandboxError, SandboxErrorCode } from '../../sandbox-error';
import { PreparedRun, SandboxBackend } from '../sandbox-backend';
import { containerCreateOptions, numericUser } from './container-create-options';
import { DOCKER_OWNER_LABEL, ownerIsGone } from './container-owner';
import { launcherInvocation } from './container-launcher';
import { ContainerRun } from './container-run';
import { WarmContainer, WarmContainerPool } from './warm-container-pool';
import { WARM_IDLE_ENV, warmLauncherCommand, warmPayload } from './warm-launcher';
import { DOCKER_BACKEND_LABEL, DOCKER_BACKEND_LABEL_VALUE, DockerBackendOptions } from './docker-backend-options';

/** The in-container watchdog fires this long after our own timer, only if we are gone. */
const WATCHDOG_GRACE_MS = 5000;
const DEFAULT_LEFTOVER_AGE_MS = 10 * 60_000;
/** An idle warm launcher exits after this; the pool stops handing it out a minute before. */
const WARM_IDLE_SECONDS = 240;
const WARM_MAX_IDLE_MS = (WARM_IDLE_SECONDS - 60) * 1000;

/** Runs each PreparedRun in a fresh, locked-down container that is always removed afterwards. */
export class DockerBackend implements SandboxBackend {
  readonly name = 'docker' as const;
  private readonly docker: Docker;
  private leftoversChecked = false;
  private readonly pool?: WarmContainerPool;

  constructor(private readonly options: DockerBackendOptions) {
    if (options.user !== undefined) numericUser(options.user);
    // 0 would mean "no limit" to Docker, so only positive values are accepted.
    for (const key of ['cpus', 'tmpfsInodes', 'maxOpenFiles'] as const) {
      const value = options[key];
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
        throw new Error(`docker backend option ${key} must be a positive number, got ${value}`);
      }
    }
    this.docker = new Docker(options.socketPath ? { socketPath: options.socketPath } : undefined);
    if (options.warmContainers) {
      this.pool = new WarmContainerPool({
        size: Math.floor(options.warmContainers),
        maxIdleMs: WARM_MAX_IDLE_MS,
        spawn: (limits, key) => this.startWarm(limits, key),
        discard: (warm) => removeContainer(warm.container),
      });
    }
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
    const watchdogMs = run.limits.timeoutMs + WATCHDOG_GRACE_MS;
    const warm = this.pool?.take(run.limits);
    if (warm) {
      try {
        return await this.finish(warm.container, () =>
          warm.run.complete(warmPayload(run, watchdogMs), run.limits.timeoutMs, 'payload'),
        );
      } finally {
        this.pool?.refill(run.limits);
      }
    }

    const { cmd, stdin } = launcherInvocation(run, watchdogMs);
    const container = await this.create(run.limits, cmd);
    return this.finish(container, async () => (await ContainerRun.start(container, run.limits)).complete(stdin, run.limits.timeoutMs, 'container'));
  }

  /** Removes the idle warm containers; runs keep working (cold, and warm again after the next run). */
  async drainWarmContainers(): Promise<void> {
    await this.pool?.drain();
  }

  private async create(limits: RunLimits, cmd: string[], launcherEnv?: Record<string, string>): Promise<Container> {
    try {
      return await this.docker.createContainer(containerCreateOptions(this.options, limits, cmd, launcherEnv));
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

  private async startWarm(limits: RunLimits, key: string): Promise<WarmContainer> {
    const container = await this.create(limits, warmLauncherCommand(), { [WARM_IDLE_ENV]: String(WARM_IDLE_SECONDS) });
    try {
      const run = await ContainerRun.start(container, limits);
      run.idle();
      return { container, run, key, startedAt: Date.now() };
    } catch (e) {
      await removeContainer(container).catch(() => undefined);
      throw e;
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
