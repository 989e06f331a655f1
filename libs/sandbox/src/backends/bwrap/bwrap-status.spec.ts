import { PassThrough } from 'node:stream';
import { BwrapStatus } from './bwrap-status';

describe('BwrapStatus', () => {
  it('reads the child pid and then the exit code, however the lines are split', async () => {
    const stream = new PassThrough();
    const status = new BwrapStatus(stream);
    stream.write('{ "child-pid": 4');
    stream.write('2, "mnt-namespace": 1 }\n{ "exit-');
    expect(await status.childPid).toBe(42);
    let code: number | undefined;
    void status.exitCode.then((c) => (code = c));
    await new Promise(setImmediate);
    expect(code).toBeUndefined();
    stream.write('code": 137 }\n');
    expect(await status.exitCode).toBe(137);
  });

  it('ignores lines it does not understand', async () => {
    const stream = new PassThrough();
    const status = new BwrapStatus(stream);
    stream.write('not json\n{ "future-member": true }\n{ "child-pid": "7" }\n{ "child-pid": 7 }\n');
    expect(await status.childPid).toBe(7);
  });

  it('rejects the child pid when bwrap ends before reporting one', async () => {
    const stream = new PassThrough();
    const status = new BwrapStatus(stream);
    stream.end('{ "child-');
    await expect(status.childPid).rejects.toThrow('bubblewrap ended before it started its command');
  });
});
