import { availableParallelism } from 'node:os';
import { SandboxBackend } from './backends/sandbox-backend';
import { ConcurrencyGate } from './concurrency-gate';
import { Executor } from './executor';
import { LANGUAGES } from './languages';
import { assertWithinTable, DEFAULT_LIMITS_TABLE, LimitsTable, validateLimitsTable } from './limits';
import { checkRun, finishRun } from './prepare-run';
import { BackendHealth, Language, RunLimits, RunResult, RunSpec, RuntimeInfo } from './run-spec';
import { SandboxError, SandboxErrorCode } from './sandbox-error';
import { ROOTFS_DEFINITION } from './rootfs/rootfs-definition';
import { ESBUILD_VERSION, sharedTypeScriptCompiler, TypeScriptCompiler } from './typescript/typescript-compiler';
import { RefillScheduler } from './pool/refill-scheduler';
import { WarmPoolStats } from './pool/warm-pool';
import { WarmPools, WarmPoolSizes } from './pool/warm-pools';
import { isWarmCapable } from './pool/warm-sandbox';
import { noWarmUsage, WarmUsage } from './pool/warm-usage';

export type BackendChoice = 'auto' | 'bwrap' | 'docker';

export interface SandboxExecutorOptions {
  /** auto: the first ready backend in `backends` order (put Docker first to prefer it). */
  backend?: BackendChoice;
  limits?: LimitsTable;
  /** Runs at once; default the number of cores. */
  maxConcurrency?: number;
  /** Runs waiting for a slot; beyond it run() fails at once with `capacity`. Default 4 × maxConcurrency. */
  maxQueue?: number;
  /** Candidate backends, most preferred first (see defaultBackends()). */
  backends: SandboxBackend[];
  /** How long a selected backend is trusted before it is probed again. Default 30 s. */
  probeTtlMs?: number;
  /**
   * Warm sandboxes kept per language (interpreter loaded, waiting for code; each serves one run),
   * e.g. `{ python: 2, javascript: 2, typescript: 2, bash: 1 }`. Absent or 0: cold runs only.
   * Only runs whose memory/pids/tmpfs limits equal `limits.defaults` use them; others run cold.
   */
  warm?: WarmPoolSizes;
  /** Warm sandboxes started at once (in the background). Default half the cores, at least 1. */
  warmRefillConcurrency?: number;
  /**
   * Refill beside runs that have only just started. Default false: a refill waits until every run
   * in progress is older than YOUNG_RUN_MS (most finish before that), because a start-up's kernel
   * work (namespaces, mounts, exec) is not bound by its tiny CPU weight and slowed the short run it
   * overlapped threefold on 2 cores. A long run does not hold refills back; a stream of short runs
   * started back to back does, and those runs go cold.
   */
  warmRefillWhileBusy?: boolean;
  /** A refill starts this long after the last run ended, once its response is on its way. Default 5 ms. */
  warmRefillDelayMs?: number;
  /** An idle warm sandbox is replaced after this long. Default 5 minutes. */
  warmMaxIdleMs?: number;
  /** Where TypeScript is compiled; default the process's shared compiler. */
  typescript?: TypeScriptCompiler;
}

const PROBE_TIMEOUT_MS = 15_000;
const YOUNG_RUN_MS = 50;

/** A backend whose probe hangs (e.g. a wedged Docker daemon) must not hold every run hostage. */
function probeWithTimeout(backend: SandboxBackend): Promise<BackendHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<BackendHealth>((resolve) => {
    timer = setTimeout(
      () => resolve({ backend: backend.name, ready: false, reason: `probe did not answer within ${PROBE_TIMEOUT_MS} ms` }),
      PROBE_TIMEOUT_MS,
    );
  });
  return Promise.race([backend.probe(), timeout]).finally(() => clearTimeout(timer));
}

const VERSION_LIMITS: RunLimits = { timeoutMs: 10_000, memoryMb: 256, pids: 16, outputBytes: 4096, tmpfsMb: 1 };

function versionOf(language: Language, output: string): string {
  const text = output.trim();
  const patterns: Record<Language, RegExp> = {
    python: /Python\s+(\S+)/,
    javascript: /v?(\d+\.\d+\.\d+)/,
    typescript: /v?(\d+\.\d+\.\d+)/,
    bash: /version\s+(\d+\.\d+\.\d+)/,
  };
  return patterns[language].exec(text)?.[1] ?? text.split('\n')[0];
}

export class SandboxExecutor implements Executor {
  readonly limits: LimitsTable;
  private readonly choice: BackendChoice;
  private readonly candidates: SandboxBackend[];
  private readonly gate: ConcurrencyGate;
  private readonly probeTtlMs: number;
  private selected?: { backend: SandboxBackend; at: number };
  private selecting?: Promise<SandboxBackend>;
  private runtimesCache?: Promise<RuntimeInfo[]>;
  private readonly warmSizes: WarmPoolSizes;
  private readonly warmMaxIdleMs: number;
  private readonly refill: RefillScheduler;
  private warm?: { backend: SandboxBackend; pools: WarmPools };
  private closed = false;
  /** Runs started less than YOUNG_RUN_MS ago and still in progress (queued ones included). */
  private youngRuns = 0;
  private readonly usage = noWarmUsage();
  private readonly settling = new Set<Promise<void>>();
  private readonly typescript: TypeScriptCompiler;

  constructor(options: SandboxExecutorOptions) {
    this.choice = options.backend ?? 'auto';
    this.limits = validateLimitsTable(options.limits ?? DEFAULT_LIMITS_TABLE);
    this.candidates = options.backends.filter((b) => this.choice === 'auto' || b.name === this.choice);
    const concurrency = Math.max(1, options.maxConcurrency ?? availableParallelism());
    this.gate = new ConcurrencyGate(concurrency, Math.max(0, options.maxQueue ?? concurrency * 4));
    this.probeTtlMs = options.probeTtlMs ?? 30_000;
    this.warmSizes = { ...options.warm };
    for (const [language, n] of Object.entries(this.warmSizes)) {
      if (!Number.isSafeInteger(n) || n! < 0) {
        throw new SandboxError(SandboxErrorCode.InvalidRequest, `warm pool size for ${language} must be a non-negative integer`);
      }
    }
    this.warmMaxIdleMs = options.warmMaxIdleMs ?? 5 * 60_000;
    this.typescript = options.typescript ?? sharedTypeScriptCompiler();
    const refillConcurrency = Math.max(1, options.warmRefillConcurrency ?? Math.floor(availableParallelism() / 2));
    const whileBusy = options.warmRefillWhileBusy ?? false;
    this.refill = new RefillScheduler(
      refillConcurrency,
      (pool) => whileBusy || this.youngRuns === 0 || pool.refillsWhileBusy,
      options.warmRefillDelayMs ?? 5,
    );
  }

  get load(): { running: number; queued: number; maxConcurrency: number; maxQueue: number } {
    return { running: this.gate.running, queued: this.gate.queued, maxConcurrency: this.gate.limit, maxQueue: this.gate.maxQueue };
  }

  async run(spec: RunSpec): Promise<RunResult> {
    assertWithinTable(spec.limits, this.limits);
    const checked = checkRun(spec);
    this.youngRuns++;
    let young = true;
    const growUp = () => {
      if (!young) return;
      young = false;
      this.youngRuns--;
      this.refill.kick();
    };
    const timer = setTimeout(growUp, YOUNG_RUN_MS);
    try {
      // TypeScript compiles in the run's slot: its CPU, time and output are the run's like the rest.
      return await this.gate.run(async () => {
        const prepared = await finishRun(checked, this.typescript);
        if (prepared.kind === 'result') return { value: prepared.result };
        return this.executeOnBackend(prepared.run);
      });
    } finally {
      clearTimeout(timer);
      growUp();
      this.refill.kick();
    }
  }

  /**
   * Selects the backend, fills the warm pools and starts a TypeScript compile server; resolves
   * once the pools are full or a start failed. A compiler that fails to start is tried again,
   * and reported, by the first TypeScript run.
   */
  async warmUp(): Promise<void> {
    const compiler = this.typescript.warmUp().catch(() => undefined);
    const pools = this.warmPools(await this.backend());
    await Promise.all([pools?.settled(), compiler]);
  }

  /** Idle and starting warm sandboxes per runtime (empty when pools are off or not started). */
  get warmStats(): WarmPoolStats[] {
    return this.warm?.pools.stats ?? [];
  }

  get warmUsage(): WarmUsage {
    return { ...this.usage };
  }

  /** Destroys every idle warm sandbox and stops refilling; later runs are cold. Runs in progress finish. */
  async close(): Promise<void> {
    this.closed = true;
    const warm = this.warm;
    this.warm = undefined;
    this.refill.stop();
    await warm?.pools.close();
    await this.afterRuns();
  }

  /** Resolves once the sandboxes of the runs answered so far are gone and their cgroups removed. */
  async afterRuns(): Promise<void> {
    while (this.settling.size > 0) await Promise.all(this.settling);
    await Promise.all(this.candidates.map((b) => b.drain?.()));
  }

  /** The selected backend's pools; created on first use, replaced when another backend is selected. */
  private warmPools(backend: SandboxBackend): WarmPools | undefined {
    if (this.closed || !Object.values(this.warmSizes).some((n) => n! > 0) || !isWarmCapable(backend)) return undefined;
    if (this.warm?.backend === backend) return this.warm.pools;
    void this.warm?.pools.close();
    const pools = new WarmPools(backend, this.warmSizes, this.limits.defaults, this.refill, this.warmMaxIdleMs);
    this.warm = { backend, pools };
    this.refill.kick();
    return pools;
  }

  /** The slot of a run whose result came before its sandbox was gone is held until it is. */
  private holdUntilGone(settled: Promise<void>): Promise<void> {
    const tracked: Promise<void> = settled
      .catch(() => void this.usage.unkillable++)
      .finally(() => this.settling.delete(tracked));
    this.settling.add(tracked);
    return tracked;
  }

  private async executeOnBackend(run: Parameters<SandboxBackend['execute']>[0]): Promise<{ value: RunResult; settled?: Promise<void> }> {
    const backend = await this.backend();
    try {
      const warm = await this.warmPools(backend)?.acquire(run);
      if (warm) {
        const outcome = await warm.deliver(run);
        if (outcome.kind === 'result') {
          this.usage.warm++;
          return { value: outcome.result, settled: outcome.settled && this.holdUntilGone(outcome.settled) };
        }
        // The launcher never acknowledged the code, so none of it ran: a cold sandbox takes it.
        this.usage.notStarted++;
      }
      this.usage.cold++;
      return { value: await backend.execute(run) };
    } catch (err) {
      if (err instanceof SandboxError) {
        if (err.code === SandboxErrorCode.Unavailable) this.selected = undefined;
        throw err;
      }
      throw new SandboxError(SandboxErrorCode.Internal, `sandbox run failed: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  /** The backend in use; never a fallback to running code outside a sandbox. */
  async backend(): Promise<SandboxBackend> {
    if (this.selected && Date.now() - this.selected.at < this.probeTtlMs) return this.selected.backend;
    this.selecting ??= this.select().finally(() => (this.selecting = undefined));
    return this.selecting;
  }

  private async select(): Promise<SandboxBackend> {
    if (this.candidates.length === 0) {
      throw new SandboxError(SandboxErrorCode.Unavailable, `no sandbox backend configured for "${this.choice}"`);
    }
    const reasons: string[] = [];
    for (const backend of this.candidates) {
      let health: BackendHealth;
      try {
        health = await probeWithTimeout(backend);
      } catch (err) {
        health = { backend: backend.name, ready: false, reason: (err as Error).message };
      }
      if (health.ready) {
        this.selected = { backend, at: Date.now() };
        return backend;
      }
      reasons.push(`${backend.name}: ${health.reason ?? 'not ready'}`);
    }
    this.selected = undefined;
    throw new SandboxError(SandboxErrorCode.Unavailable, `no sandbox backend is usable (${reasons.join('; ')})`);
  }

  async health(): Promise<BackendHealth> {
    try {
      const backend = await this.backend();
      return { backend: backend.name, ready: true };
    } catch (err) {
      return { backend: this.choice, ready: false, reason: (err as Error).message };
    }
  }

  /** Versions reported by the interpreters inside the sandbox, asked once. */
  runtimes(): Promise<RuntimeInfo[]> {
    this.runtimesCache ??= this.askRuntimes().catch((err) => {
      this.runtimesCache = undefined;
      throw err;
    });
    return this.runtimesCache;
  }

  private async askRuntimes(): Promise<RuntimeInfo[]> {
    const versions = new Map<Language, string>();
    for (const lang of Object.values(LANGUAGES)) {
      if (lang.language === 'typescript') continue;
      const r = await this.gate.run(() =>
        this.executeOnBackend({ argv: [...lang.versionCommand], files: [], limits: VERSION_LIMITS }),
      );
      if (r.exitCode !== 0) {
        throw new SandboxError(SandboxErrorCode.Internal, `${lang.versionCommand.join(' ')} failed in the sandbox: ${r.stderr.slice(0, 200)}`);
      }
      versions.set(lang.language, versionOf(lang.language, r.stdout + r.stderr));
    }
    const sucrase = `${ROOTFS_DEFINITION.typescript.npmPackage} ${ROOTFS_DEFINITION.typescript.version}`;
    versions.set('typescript', `${sucrase} (esbuild ${ESBUILD_VERSION} for what sucrase cannot) on node ${versions.get('javascript')}`);
    return Object.values(LANGUAGES).map((l) => ({
      language: l.language,
      aliases: [...l.aliases],
      version: versions.get(l.language)!,
    }));
  }
}
