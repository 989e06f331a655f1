import { WarmPoolStats } from '../pool/warm-pool';
import type { WarmUsage } from '../pool/warm-usage';
import { RunSpec } from '../run-spec';
import { SandboxError, SandboxErrorCode } from '../sandbox-error';

export type RunnerOp = { op: 'run'; spec: RunSpec } | { op: 'runtimes' } | { op: 'health' } | { op: 'warmUp' } | { op: 'close' };

export type RunnerRequest = RunnerOp & { id: number };

export type { WarmUsage };

/** Sent with every reply, so the gateway can answer warmStats/warmUsage synchronously. */
export interface RunnerStats {
  warmStats: WarmPoolStats[];
  warmUsage: WarmUsage;
}

export interface WireError {
  code: SandboxErrorCode;
  message: string;
}

export type RunnerReply = { id: number; stats: RunnerStats } & ({ ok: true; value: unknown } | { ok: false; error: WireError });

/** The runner's first message: its request listener is in place. */
export interface RunnerReady {
  ready: true;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof SandboxError) return { code: err.code, message: err.message };
  return { code: SandboxErrorCode.Internal, message: `sandbox runner: ${err instanceof Error ? err.message : String(err)}` };
}

export function fromWireError(wire: WireError): SandboxError {
  const known = Object.values(SandboxErrorCode).includes(wire.code);
  return new SandboxError(known ? wire.code : SandboxErrorCode.Internal, wire.message);
}

export function isRunnerReply(m: unknown): m is RunnerReply {
  return typeof m === 'object' && m !== null && typeof (m as RunnerReply).id === 'number' && typeof (m as RunnerReply).ok === 'boolean';
}
