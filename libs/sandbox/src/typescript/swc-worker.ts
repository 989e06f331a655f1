import type { Options, ParseOptions } from '@swc/core';
import { Worker } from 'node:worker_threads';

/** Larger sources are not measured (see SWC_STACK_MB) and so not compiled at all. */
export const TS_MAX_SOURCE_CHARS = 128 * 1024;
/** Compiled by swc up to this size, by esbuild above. */
export const SWC_MAX_SOURCE_CHARS = 64 * 1024;
/**
 * Output indentation grows with nesting: 16 KB of nested braces compiled to 134 MB with esbuild
 * (268 MB with swc), 32 KB to more than a JavaScript string can hold, which threw inside
 * esbuild's reader and ended the process. A source nested deeper than this is refused.
 */
export const TS_MAX_NESTING = 64;
/**
 * swc recurses on the machine stack as deep as the source nests: 6 KB of nested parentheses
 * overflowed an 8 MB stack, and an overflow in native code ends the whole process. Its thread
 * gets a stack beyond what TS_MAX_SOURCE_CHARS can use (about 1.4 KB of stack per source
 * character in the worst construct measured, so under 180 MB).
 */
const SWC_STACK_MB = 256;
const SWC_TIMEOUT_MS = 2_000;

// No config file and no source map in or out: nothing in the user's source may make swc read a host file.
const TRANSFORM_OPTIONS: Options = {
  swcrc: false,
  configFile: false,
  inputSourceMap: false,
  sourceMaps: false,
  isModule: 'unknown',
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
};
const PARSE_OPTIONS: ParseOptions = { syntax: 'typescript', decorators: true, target: 'es2022', isModule: 'unknown' } as ParseOptions;

/**
 * The depth is measured, on swc's syntax tree, only where the count of opening brackets could
 * exceed the limit; it counts the nodes that an emitter indents (blocks, bodies, literals), and
 * is null where swc cannot parse the source (or hand its tree over). Only a source known to be
 * within the limit is transformed. The code is null unless V8 parses swc's output as the
 * CommonJS module body Node will run. Measuring is slow for deep nesting (1.1 s at 8000
 * levels): past SWC_TIMEOUT_MS the thread is replaced and the source counts as unmeasured.
 */
const WORKER_SCRIPT = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { compileFunction } = require('node:vm');
const { transformSync, parseSync } = require(workerData.swcPath);
const params = ['exports', 'require', 'module', '__filename', '__dirname'];
const indenting = /Statement$|Block|Object|Array|Class|Switch|Interface|TypeLiteral|Enum|Module|Function/;
function openers(source) {
  let n = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) n++;
  }
  return n;
}
function nesting(source) {
  let ast;
  try {
    ast = parseSync(source, workerData.parseOptions);
  } catch {
    return null;
  }
  let max = 0;
  const stack = [ast, 0];
  while (stack.length > 0) {
    const depth = stack.pop();
    const node = stack.pop();
    const d = typeof node.type === 'string' && indenting.test(node.type) ? depth + 1 : depth;
    if (d > max) max = d;
    for (const key in node) {
      const v = node[key];
      if (v !== null && typeof v === 'object') stack.push(v, d);
    }
  }
  return max;
}
parentPort.on('message', ({ id, source, file }) => {
  const depth = openers(source) > workerData.maxNesting ? nesting(source) : undefined;
  let code = null;
  if (depth !== null && (depth ?? 0) <= workerData.maxNesting && source.length <= workerData.maxSwcChars) {
    try {
      code = transformSync(source, { ...workerData.transformOptions, filename: file }).code;
      compileFunction(code, params, { filename: file });
    } catch {
      code = null;
    }
  }
  parentPort.postMessage({ id, depth, code });
});
`;

export interface SwcAnswer {
  /** Undefined: not measured, the source has too few brackets to nest too deep. Null: swc could not parse it. */
  depth?: number | null;
  /** Null: ask esbuild. */
  code: string | null;
}

/**
 * swc on a thread of its own: the gateway's event loop never waits for a compile, and a 0.1 ms
 * hop between threads replaces esbuild's round trip to its service process (~2 ms on an idle
 * core). Null means nothing was learnt: the thread died or took too long (it is then replaced),
 * or swc cannot load here.
 */
export class SwcWorker {
  private worker?: Worker;
  private unavailable = false;
  private answered = false;
  private failedStarts = 0;
  private seq = 0;
  private readonly pending = new Map<number, (answer: SwcAnswer | null) => void>();

  compile(source: string, file: string): Promise<SwcAnswer | null> {
    const worker = this.start();
    if (!worker) return Promise.resolve(null);
    const id = ++this.seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.replace(worker), SWC_TIMEOUT_MS);
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      worker.postMessage({ id, source, file });
    });
  }

  /** Starts the thread ahead of the first compile (~100 ms: an isolate and swc's binding, twice). */
  start(): Worker | undefined {
    if (this.worker || this.unavailable) return this.worker;
    let swcPath: string;
    try {
      swcPath = require.resolve('@swc/core');
      // Loaded here too, never called here: a thread that loaded swc's binding after another
      // thread's had been torn down crashed the process (SIGSEGV); resident, it is never torn down.
      require(swcPath);
    } catch {
      this.unavailable = true;
      return undefined;
    }
    const worker = new Worker(WORKER_SCRIPT, {
      eval: true,
      workerData: {
        swcPath,
        transformOptions: TRANSFORM_OPTIONS,
        parseOptions: PARSE_OPTIONS,
        maxNesting: TS_MAX_NESTING,
        maxSwcChars: SWC_MAX_SOURCE_CHARS,
      },
      resourceLimits: { stackSizeMb: SWC_STACK_MB },
    });
    worker.on('message', (answer: SwcAnswer & { id: number }) => this.settle(worker, answer.id, { depth: answer.depth, code: answer.code }));
    worker.on('error', () => this.replace(worker));
    worker.on('exit', () => this.replace(worker));
    worker.unref();
    this.worker = worker;
    this.answered = false;
    return worker;
  }

  private settle(worker: Worker, id: number, answer: SwcAnswer): void {
    const done = this.pending.get(id);
    this.pending.delete(id);
    this.answered = true;
    if (this.pending.size === 0 && this.worker === worker) worker.unref();
    done?.(answer);
  }

  /** Every compile in flight learns nothing; the next one starts a new thread, unless three in a row never answered. */
  private replace(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failedStarts = this.answered ? 0 : this.failedStarts + 1;
    this.unavailable = this.failedStarts >= 3;
    void worker.terminate();
    for (const done of this.pending.values()) done(null);
    this.pending.clear();
  }
}
