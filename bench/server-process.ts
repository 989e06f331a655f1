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
  let cpuRequests = 0;
  const ready = await new Promise<ServeReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ServeReady));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return {
    ...ready,
    cpuMs: () =>
      new Promise<number>((resolve, reject) => {
        const id = ++cpuRequests;
        const timer = setTimeout(() => finish(new Error(`${kind} server did not report its CPU`)), 10_000);
        const onMessage = (m: unknown) => {
          const reply = m as { cpuMs?: number; id?: number };
          if (reply?.id === id && typeof reply.cpuMs === 'number') finish(undefined, reply.cpuMs);
        };
        const onExit = (code: number | null) => finish(new Error(`${kind} server exited with ${code}`));
        const finish = (err?: Error, cpuMs?: number) => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
          if (err) reject(err);
          else resolve(cpuMs!);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send({ cpu: id }, (err) => err && finish(err));
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
