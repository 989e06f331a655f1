import { Readable, Writable } from 'node:stream';

type ExitListener = (code: number | null, signal: NodeJS.Signals | null) => void;

/** What the backend uses of a started bwrap, whether child_process or the fast-spawn addon started it. */
export interface BwrapChild {
  readonly pid?: number;
  readonly stdio: readonly (Readable | Writable | null | undefined)[];
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Both null until the child is reaped. */
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  kill(signal?: NodeJS.Signals): boolean;
  on(event: 'exit' | 'close', listener: ExitListener): this;
  on(event: 'error', listener: (err: Error) => void): this;
  once(event: 'exit' | 'close', listener: ExitListener): this;
  once(event: 'error', listener: (err: Error) => void): this;
}
