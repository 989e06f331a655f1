import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { DonePipe } from './done-pipe';

/** A real child that writes `writes` on its fd 3, one write each, then lingers for `lingerMs`. */
function writer(writes: string, lingerMs = 0) {
  const program = `for (const w of ${writes}) require('fs').writeSync(3, Buffer.from(w)); setTimeout(() => {}, ${lingerMs})`;
  const child = spawn(process.execPath, ['-e', program], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, pipe: new DonePipe(child.stdio[3] as Socket), exited };
}

/** The status settle() finds once the writer has exited. */
async function settledStatus(writes: string): Promise<number | undefined> {
  const { pipe, exited } = writer(writes);
  await exited;
  return pipe.settle();
}

describe('DonePipe', () => {
  it('reports the first DONE_BYTE pair while the writer is still running', async () => {
    const { child, pipe, exited } = writer('[[0xe7, 5], [0xe7, 9]]', 60_000);
    expect(await pipe.report).toBe(5);
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    await exited;
  });

  it('finds a pair split across writes and behind other bytes', async () => {
    expect(await settledStatus('[[0xe7], [3]]')).toBe(3);
    expect(await settledStatus('["junk", [0xe7, 4], "x"]')).toBe(4);
    expect(await settledStatus('[Buffer.alloc(60000, 1), [0xe7, 7]]')).toBe(7);
  });

  it('reports nothing for no write, a lone DONE_BYTE, or other bytes only', async () => {
    expect(await settledStatus('[]')).toBeUndefined();
    expect(await settledStatus('[[0xe7]]')).toBeUndefined();
    expect(await settledStatus('["no report here"]')).toBeUndefined();
  });

  it('settle() reads at once what was written and not yet delivered', async () => {
    const child = spawn(process.execPath, ['-e', "require('fs').writeSync(3, Buffer.from([0xe7, 6])); setTimeout(() => {}, 60_000)"], {
      stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(new DonePipe(child.stdio[3] as Socket).settle()).toBe(6);
    child.kill('SIGKILL');
  });
});
