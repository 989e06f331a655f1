import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { ServeReady } from './serve';

export interface ServerProcess extends ServeReady {
  /** CPU milliseconds (user + system, all threads) the server process has used so far. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

export async function startServer(kind: 'gateway' | 'bare', env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess> {
  const child: ChildProcess = fork(join(__dirname, 'serve.js'), [kind], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<ServeReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ServeReady));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return {
    ...ready,
    cpuMs: () =>
      new Promise<number>((resolve) => {
        child.once('message', (m) => resolve((m as { cpuMs: number }).cpuMs));
        child.send('cpu');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
