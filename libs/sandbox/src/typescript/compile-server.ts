import { ChildProcess, spawn } from 'node:child_process';
import { CompileReply, CompileRequest, isCompileFatal, isCompileReply } from './compile-protocol';
import { COMPILE_SERVER_SCRIPT } from './compile-server-script';

export interface CompileServerOptions {
  esbuildPath: string;
  prlimitPath: string;
  /** Address space of the server and of esbuild's service, each (RLIMIT_AS). */
  addressSpaceBytes: number;
  heapMb: number;
  startTimeoutMs: number;
}

/** How a compile ended when the server could not answer it; `stopped`: killed by its owner, not the source. */
export type CompileFailure = { failed: 'timeout' } | { failed: 'stopped' } | { failed: 'crashed'; reason: string };

/** One compile server process serving one request at a time, so a crash or kill is that request's. */
export class CompileServer {
  readonly ready: Promise<void>;
  private readonly child: ChildProcess;
  private current?: { id: number; settle(r: CompileReply | CompileFailure): void; timer: NodeJS.Timeout };
  private nextId = 1;
  private fatal?: string;
  private gone = false;
  private killed = false;
  private readonly goneHandlers: (() => void)[] = [];

  constructor(o: CompileServerOptions) {
    const argv = [
      `--as=${o.addressSpaceBytes}`,
      '--',
      process.execPath,
      `--max-old-space-size=${o.heapMb}`,
      '-e',
      COMPILE_SERVER_SCRIPT,
      o.esbuildPath,
    ];
    this.child = spawn(o.prlimitPath, argv, {
      detached: true,
      env: { PATH: '/usr/bin:/bin' },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the TypeScript compile server did not start within ${o.startTimeoutMs} ms`));
        this.kill();
      }, o.startTimeoutMs);
      this.onGone(() => {
        clearTimeout(timer);
        reject(new Error(`the TypeScript compile server ended before it was ready (${this.fatal ?? 'no reason given'})`));
      });
      this.child.on('message', (m: unknown) => {
        if (isCompileReply(m)) return this.answer(m);
        if (isCompileFatal(m)) this.fatal = m.fatal;
        else if ((m as { ready?: unknown })?.ready === true) {
          clearTimeout(timer);
          if (!this.current) this.idle();
          resolve();
        }
      });
    });
    this.ready.catch(() => undefined);
    this.child.on('error', (err) => {
      this.fatal ??= err.message;
      this.markGone();
    });
    this.child.on('exit', (code, signal) => {
      this.fatal ??= signal ? `ended by ${signal}` : `exited with code ${code}`;
      this.markGone();
    });
  }

  /** False from the moment it is killed, before its exit is seen. */
  get alive(): boolean {
    return !this.gone && !this.killed;
  }

  onGone(handler: () => void): void {
    if (this.gone) handler();
    else this.goneHandlers.push(handler);
  }

  /** Sends one request; a request still running after `timeoutMs` ends the server. */
  compile(request: Omit<CompileRequest, 'id'>, timeoutMs: number): Promise<CompileReply | CompileFailure> {
    if (this.current) throw new Error('compile server is busy');
    if (!this.alive) return Promise.resolve({ failed: 'stopped' });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.stop({ failed: 'timeout' }), timeoutMs);
      this.current = { id, settle: resolve, timer };
      this.child.ref();
      this.child.channel?.ref();
      this.child.send({ ...request, id });
    });
  }

  /** Ends the server and esbuild's service with it (they share a process group). */
  kill(): void {
    this.stop({ failed: 'stopped' });
  }

  /** Settles the compile in progress, if any, with `outcome`, and kills; referenced until the exit is seen. */
  private stop(outcome: CompileFailure): void {
    if (this.gone) return;
    this.killed = true;
    this.child.ref();
    this.child.channel?.ref();
    this.finish(outcome);
    this.killGroup();
  }

  private killGroup(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  private answer(reply: CompileReply): void {
    if (this.current?.id === reply.id) this.finish(reply);
  }

  private finish(outcome: CompileReply | CompileFailure): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    clearTimeout(current.timer);
    if (!this.killed) this.idle();
    current.settle(outcome);
  }

  /** Only a server starting or compiling keeps the event loop alive. */
  private idle(): void {
    this.child.unref();
    this.child.channel?.unref();
  }

  private markGone(): void {
    if (this.gone) return;
    this.gone = true;
    // The server may have died on its own with esbuild's service still busy in its group.
    this.killGroup();
    this.finish({ failed: 'crashed', reason: this.fatal ?? 'gone' });
    for (const h of this.goneHandlers.splice(0)) h();
  }
}
