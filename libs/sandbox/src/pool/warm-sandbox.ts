import { PreparedRun } from '../backends/sandbox-backend';
import { RunLimits, RunResult } from '../run-spec';
import { WarmRuntime } from './warm-runtime';
import { WarmUrgency } from './warm-urgency';

/**
 * `not-started`: the launcher never acknowledged the delivery, so not one instruction of user
 * code ran and the run may safely go elsewhere (a cold sandbox).
 * `settled`: the result was known before every process of the sandbox was gone (they are being
 * killed); it resolves once they are, and rejects when some could not be killed.
 */
export type WarmOutcome = { kind: 'result'; result: RunResult; settled?: Promise<void> } | { kind: 'not-started'; reason: string };

/** A locked-down sandbox whose interpreter is loaded and blocked reading its stdin. Single use. */
export interface WarmSandbox {
  readonly runtime: WarmRuntime;
  /** False once it died or was used; a pool never hands it out then. */
  readonly alive: boolean;
  /** Called once when it dies while idle (killed behind our back, an idle limit). */
  onDeath(listener: () => void): void;
  /** Delivers the run (files, argv, stdin); resolves when every process of it is gone, or with `settled`. */
  deliver(run: PreparedRun): Promise<WarmOutcome>;
  /** Kills it without running anything; resolves once nothing of it is left. */
  destroy(): Promise<void>;
}

/** A backend that can start warm sandboxes with the same isolation as its cold runs. */
export interface WarmCapable {
  /** Resolves once the sandbox answered its readiness handshake; rejects when it did not. */
  startWarm(runtime: WarmRuntime, limits: RunLimits, urgency?: WarmUrgency): Promise<WarmSandbox>;
  /**
   * True when starting one costs less CPU than the cold run it spares (a fork from a zygote): then
   * its pool refills while runs are live too, where a refill would otherwise only compete with them.
   */
  warmIsCheap?(runtime: WarmRuntime): boolean;
}

export function isWarmCapable(backend: object): backend is WarmCapable {
  return typeof (backend as Partial<WarmCapable>).startWarm === 'function';
}

/** Limits fixed when a sandbox is created; timeout and output caps are applied at delivery. */
export function sameSandboxLimits(a: RunLimits, b: RunLimits): boolean {
  return a.memoryMb === b.memoryMb && a.pids === b.pids && a.tmpfsMb === b.tmpfsMb;
}
