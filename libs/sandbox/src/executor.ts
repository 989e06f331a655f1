import { BackendHealth, RunResult, RunSpec, RuntimeInfo } from './run-spec';

/** What the gateway calls; in-process today, over NATS in apps/runner later. */
export interface Executor {
  run(spec: RunSpec): Promise<RunResult>;
  runtimes(): Promise<RuntimeInfo[]>;
  health(): Promise<BackendHealth>;
}
