import { DockerBackend } from '../backends/docker/docker-backend';
import { SandboxError, SandboxErrorCode } from '../sandbox-error';
import { SandboxExecutor } from '../sandbox-executor';
import { executorFromOptions, RunnerOptions } from './runner-options';
import { RunnerOp, RunnerReady, RunnerReply, RunnerRequest, RunnerStats, toWireError } from './runner-protocol';

const LEFTOVER_SWEEP_MS = 5000;

function dispatch(executor: SandboxExecutor, request: RunnerOp, shutdown: () => Promise<void>): Promise<unknown> {
  switch (request.op) {
    case 'run':
      return executor.run(request.spec);
    case 'runtimes':
      return executor.runtimes();
    case 'health':
      return executor.health();
    case 'warmUp':
      return executor.warmUp();
    case 'close':
      return shutdown();
    default:
      return Promise.reject(new SandboxError(SandboxErrorCode.InvalidRequest, `sandbox runner: unknown request ${JSON.stringify(request)}`));
  }
}

/**
 * The loop inside the runner process: one SandboxExecutor serving the gateway over the fork
 * IPC channel. When the channel closes (gateway gone or done) it closes the executor, lets
 * runs in progress finish (they remove their own sandboxes), and exits.
 */
export function serveRunner(options: RunnerOptions): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('sandbox runner: no IPC channel (it is started by ChildProcessExecutor)');
  const { executor, backends } = executorFromOptions(options);
  const runs = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  const stats = (): RunnerStats => ({ warmStats: executor.warmStats, warmUsage: executor.warmUsage });
  const reply = (message: RunnerReply | RunnerReady) => {
    if (!process.connected) return;
    send(message, undefined, undefined, () => undefined);
  };

  const shutdown = (): Promise<void> =>
    (closing ??= (async () => {
      await executor.close();
      await Promise.allSettled([...runs]);
      // A run answered at its launcher's report is still being torn down.
      await executor.afterRuns();
      // Containers of a runner that was killed are otherwise only swept at the next start.
      const sweeps = backends.filter((b) => b instanceof DockerBackend).map((b) => b.removeLeftovers().catch(() => 0));
      await Promise.race([Promise.all(sweeps), new Promise((r) => setTimeout(r, LEFTOVER_SWEEP_MS).unref())]);
    })());

  process.on('message', (message: RunnerRequest) => {
    const { id } = message;
    const work = dispatch(executor, message, shutdown);
    if (message.op === 'run') {
      runs.add(work);
      void work.catch(() => undefined).finally(() => runs.delete(work));
    }
    work.then(
      (value) => reply({ id, ok: true, value: message.op === 'close' ? undefined : value, stats: stats() }),
      (err: unknown) => reply({ id, ok: false, error: toWireError(err), stats: stats() }),
    );
  });

  const exitAfterShutdown = () => {
    // A run outlives its timeout only if something is wedged; then leaving beats hanging forever.
    const cap = (options.limits?.maxima.timeoutMs ?? 60_000) + 30_000;
    setTimeout(() => process.exit(1), cap).unref();
    void shutdown().finally(() => process.exit(0));
  };
  process.on('disconnect', exitAfterShutdown);
  process.on('SIGTERM', exitAfterShutdown);
  // Ctrl-C reaches the whole process group; the gateway decides when the runner goes.
  process.on('SIGINT', () => undefined);
  reply({ ready: true });
}
