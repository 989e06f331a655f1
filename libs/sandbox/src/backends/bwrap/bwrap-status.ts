import { Readable } from 'node:stream';

const MAX_LINE = 4096;

/**
 * bwrap's --json-status-fd, written by bwrap itself outside the sandbox (user code cannot reach
 * it): one JSON object per line, the child's pid once it is started, its exit status (shell
 * encoding: 128+N for signal N) as soon as it has exited, before bwrap tears the sandbox down.
 */
export class BwrapStatus {
  readonly childPid: Promise<number>;
  readonly exitCode: Promise<number>;
  private onPid?: { resolve: (pid: number) => void; reject: (err: Error) => void };
  private onExit?: (code: number) => void;
  private text = '';

  constructor(stream: Readable) {
    this.childPid = new Promise((resolve, reject) => (this.onPid = { resolve, reject }));
    this.exitCode = new Promise((resolve) => (this.onExit = resolve));
    stream.on('data', (chunk: Buffer) => this.push(chunk.toString('utf8')));
    stream.on('close', () => this.onPid?.reject(new Error('bubblewrap ended before it started its command')));
  }

  private push(text: string): void {
    this.text += text;
    for (let nl = this.text.indexOf('\n'); nl >= 0; nl = this.text.indexOf('\n')) {
      this.line(this.text.slice(0, nl));
      this.text = this.text.slice(nl + 1);
    }
    if (this.text.length > MAX_LINE) this.text = this.text.slice(0, MAX_LINE);
  }

  private line(line: string): void {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const pid = parsed['child-pid'];
    if (typeof pid === 'number' && this.onPid) {
      this.onPid.resolve(pid);
      this.onPid = undefined;
    }
    const code = parsed['exit-code'];
    if (typeof code === 'number') this.onExit?.(code);
  }
}
