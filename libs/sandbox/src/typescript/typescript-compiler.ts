import { availableParallelism } from 'node:os';
import { version as esbuildVersion } from 'esbuild';
import { SandboxError, SandboxErrorCode } from '../sandbox-error';
import { CompileReply, ModuleFormat } from './compile-protocol';
import { CompileFailure, CompileServer, CompileServerOptions } from './compile-server';

export type CompileOutcome = { ok: true; code: string; esm: boolean } | { ok: false; message: string };

export const ESBUILD_VERSION: string = esbuildVersion;

/** A compile gets the run's time limit, at most this; real programs take milliseconds. */
export const COMPILE_TIME_CAP_MS = 3000;

export interface CompileBudget {
  /** Compile time left to the run; each compile uses it up, waiting for a server does not. */
  remainingMs: number;
  /** The run's whole compile time, for the message. */
  timeLimitMs: number;
  /** The most JavaScript this compile may produce: what is left of the run's work directory. */
  maxBytes: number;
}

export interface TypeScriptCompilerOptions extends Partial<CompileServerOptions> {
  /** Servers compiling at once, each one compile, started when needed. Default the cores, as runs at once. */
  servers?: number;
  /** Compiles waiting for a server before more are refused. Default 64. */
  maxWaiting?: number;
  /** A server idle this long is ended (~60 MB each); the next compile starts one. Default 60 s. */
  idleMs?: number;
}

const GIB = 1024 * 1024 * 1024;

/**
 * TypeScript → JavaScript before the sandbox (syntax only, like ts-node --transpile-only), in
 * compile server processes under an address-space limit, each compile bounded in time and
 * output, so that no source can end, stall or exhaust the process that asked.
 */
export class TypeScriptCompiler {
  private readonly server: CompileServerOptions;
  private readonly size: number;
  private readonly maxWaiting: number;
  private readonly servers = new Set<CompileServer>();
  private readonly idle: CompileServer[] = [];
  private readonly idleTimers = new Map<CompileServer, NodeJS.Timeout>();
  private readonly idleMs: number;
  private readonly waiting: { resolve(s: CompileServer): void; reject(e: Error): void }[] = [];
  private starting = 0;

  constructor(o: TypeScriptCompilerOptions = {}) {
    this.server = {
      esbuildPath: o.esbuildPath ?? require.resolve('esbuild'),
      prlimitPath: o.prlimitPath ?? '/usr/bin/prlimit',
      addressSpaceBytes: o.addressSpaceBytes ?? 3 * GIB,
      heapMb: o.heapMb ?? 512,
      startTimeoutMs: o.startTimeoutMs ?? 30_000,
    };
    this.size = Math.max(1, o.servers ?? availableParallelism());
    this.maxWaiting = o.maxWaiting ?? 64;
    this.idleMs = o.idleMs ?? 60_000;
  }

  /** Starts one server so that the first compile does not wait for it. */
  async warmUp(): Promise<void> {
    if (this.servers.size > 0 || this.starting > 0) return;
    this.release(await this.start());
  }

  async compile(source: string, file: string, format: ModuleFormat, budget: CompileBudget): Promise<CompileOutcome> {
    if (budget.remainingMs <= 0) return { ok: false, message: failureMessage({ failed: 'timeout' }, budget) };
    const server = await this.acquire();
    let outcome: CompileReply | CompileFailure;
    const started = Date.now();
    try {
      outcome = await server.compile({ source, file, format, maxBytes: Math.max(0, budget.maxBytes) }, budget.remainingMs);
      budget.remainingMs -= Date.now() - started;
      // esbuild's service may be what broke; the server is not used again.
      if ('broken' in outcome) server.kill();
    } finally {
      this.release(server);
    }
    if ('failed' in outcome) {
      if (outcome.failed === 'stopped') throw new SandboxError(SandboxErrorCode.Unavailable, 'the TypeScript compiler was stopped; retry');
      return { ok: false, message: failureMessage(outcome, budget) };
    }
    if (outcome.ok) return outcome;
    if ('message' in outcome) return outcome;
    if ('tooLarge' in outcome) {
      return {
        ok: false,
        message: `TypeScript compiled to ${outcome.tooLarge} bytes of JavaScript, more than the ${budget.maxBytes} bytes left in the work directory\n`,
      };
    }
    return { ok: false, message: `the TypeScript compiler ran out of memory or crashed on this source (esbuild: ${outcome.broken})\n` };
  }

  /** Ends every server; compiles in progress fail, later ones start new servers. */
  close(): void {
    for (const s of this.servers) s.kill();
  }

  private async acquire(): Promise<CompileServer> {
    for (let s = this.idle.pop(); s; s = this.idle.pop()) {
      this.stopIdleTimer(s);
      if (s.alive) return s;
    }
    if (this.servers.size + this.starting < this.size) return this.start();
    if (this.waiting.length >= this.maxWaiting) {
      throw new SandboxError(SandboxErrorCode.Capacity, 'too many TypeScript compiles are waiting; retry later');
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(server: CompileServer): void {
    if (!server.alive) return;
    const next = this.waiting.shift();
    if (next) return next.resolve(server);
    this.idle.push(server);
    this.idleTimers.set(server, setTimeout(() => this.reap(server), this.idleMs).unref());
  }

  private reap(server: CompileServer): void {
    this.idleTimers.delete(server);
    const i = this.idle.indexOf(server);
    if (i < 0) return;
    this.idle.splice(i, 1);
    server.kill();
  }

  private stopIdleTimer(server: CompileServer): void {
    clearTimeout(this.idleTimers.get(server));
    this.idleTimers.delete(server);
  }

  private async start(): Promise<CompileServer> {
    this.starting++;
    const server = new CompileServer(this.server);
    try {
      await server.ready;
    } catch (err) {
      this.starting--;
      const error = new SandboxError(SandboxErrorCode.Unavailable, `TypeScript compiler unavailable: ${(err as Error).message}`);
      // Nothing else would ever serve them.
      if (this.servers.size === 0 && this.starting === 0) for (const w of this.waiting.splice(0)) w.reject(error);
      throw error;
    }
    this.starting--;
    this.servers.add(server);
    server.onGone(() => this.forget(server));
    return server;
  }

  /** A server that died leaves; someone waiting gets a new one in its place. */
  private forget(server: CompileServer): void {
    this.servers.delete(server);
    this.stopIdleTimer(server);
    const i = this.idle.indexOf(server);
    if (i >= 0) this.idle.splice(i, 1);
    const next = this.waiting.shift();
    if (next) this.start().then(next.resolve, next.reject);
  }
}

function failureMessage(f: Exclude<CompileFailure, { failed: 'stopped' }>, budget: CompileBudget): string {
  if (f.failed === 'timeout') return `TypeScript compilation took longer than ${budget.timeLimitMs} ms and was stopped\n`;
  if (f.reason === 'ERR_STRING_TOO_LONG') {
    return `TypeScript compiled to more JavaScript than fits in a string, more than the ${budget.maxBytes} bytes left in the work directory\n`;
  }
  return `the TypeScript compiler ran out of memory or crashed on this source (${f.reason})\n`;
}

let shared: TypeScriptCompiler | undefined;

/** The process's compiler; its idle servers do not keep the process alive. */
export function sharedTypeScriptCompiler(): TypeScriptCompiler {
  shared ??= new TypeScriptCompiler();
  return shared;
}
