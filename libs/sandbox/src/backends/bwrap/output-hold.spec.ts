import { spawn } from 'node:child_process';
import { drainSocket } from './drain-socket';
import { holdOutput } from './output-hold';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function child(script: string) {
  const c = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const events: number[] = [];
  c.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    events.push(performance.now());
  });
  const closed = new Promise<void>((r) => c.once('close', () => r()));
  return { c, out: () => out, events, closed };
}

describe('holdOutput', () => {
  it('reads nothing while held, then everything once the hold ends', async () => {
    const p = child('sleep 0.05; printf early; sleep 0.3; printf late');
    await sleep(10);
    const hold = holdOutput([p.c.stdout, p.c.stderr], 150);
    await sleep(100);
    expect(p.events).toHaveLength(0);
    await sleep(150);
    expect(p.out()).toBe('early');
    await p.closed;
    expect(p.out()).toBe('earlylate');
    hold.release();
  });

  it('lets a writer that filled the kernel buffer go on once released early', async () => {
    const p = child('sleep 0.05; head -c 2000000 /dev/zero');
    await sleep(10);
    const hold = holdOutput([p.c.stdout, p.c.stderr], 60_000);
    await sleep(300);
    expect(p.c.exitCode).toBeNull();
    hold.release();
    await p.closed;
    expect(p.out().length).toBe(2_000_000);
  });

  it('cancel() leaves what was written unread, for drainSocket to take in one synchronous pass', async () => {
    const p = child('sleep 0.05; printf abc; printf def >&2; sleep 0.3');
    await sleep(10);
    const hold = holdOutput([p.c.stdout, p.c.stderr], 60_000);
    await sleep(150);
    hold.cancel();
    await sleep(50);
    expect(p.events).toHaveLength(0);
    const got: string[] = [];
    drainSocket(p.c.stdout, 1 << 20, (c) => got.push(c.toString()));
    drainSocket(p.c.stderr, 1 << 20, (c) => got.push(c.toString()));
    expect(got).toEqual(['abc', 'def']);
    expect(p.events).toHaveLength(0);
    await new Promise((r) => setImmediate(r));
    expect(p.c.stdout.destroyed && p.c.stderr.destroyed).toBe(true);
    await p.closed;
  });
});
