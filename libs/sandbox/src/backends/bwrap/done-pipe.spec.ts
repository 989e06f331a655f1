import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { DonePipe } from './done-pipe';

/** What a DonePipe makes of the bytes a real child process writes on its fd 3 before exiting. */
function reportOf(writes: string): Promise<number | undefined> {
  const child = spawn(process.execPath, ['-e', `for (const w of ${writes}) require('fs').writeSync(3, Buffer.from(w))`], {
    stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
  });
  const pipe = new DonePipe(child.stdio[3] as Socket);
  return new Promise((resolve) => child.once('exit', () => resolve(pipe.take())));
}

describe('DonePipe', () => {
  it('reads the status of the last DONE_BYTE pair once the writer has exited', async () => {
    expect(await reportOf('[[0xe7, 0]]')).toBe(0);
    expect(await reportOf('[[0xe7, 9], [0xe7, 201]]')).toBe(201);
    expect(await reportOf('["junk", [0xe7, 4]]')).toBe(4);
  });

  it('reports nothing for no write, a lone byte, or anything else last', async () => {
    expect(await reportOf('[]')).toBeUndefined();
    expect(await reportOf('[[0xe7]]')).toBeUndefined();
    expect(await reportOf('[[0xe7, 3], "x"]')).toBeUndefined();
  });

  it('counts a report the stream itself had read before it was stopped', async () => {
    const program = "require('fs').writeSync(3, Buffer.from([0xe7, 6])); setTimeout(() => {}, 200)";
    const child = spawn(process.execPath, ['-e', program], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
    const socket = child.stdio[3] as Socket;
    const report = new Promise((resolve) => child.once('exit', () => resolve(new DonePipe(socket).take())));
    expect(await report).toBe(6);
  });

  it('keeps only the end of a long write', async () => {
    expect(await reportOf('[Buffer.alloc(60000, 1), [0xe7, 7]]')).toBe(7);
  });
});
