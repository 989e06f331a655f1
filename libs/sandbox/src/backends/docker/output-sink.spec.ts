import { BoundedOutput } from '../bwrap/bounded-output';
import { keepingCopies } from './output-sink';

describe('keepingCopies', () => {
  it('keeps copies, not views into the chunk a frame came from', () => {
    const output = new BoundedOutput(4);
    const sink = keepingCopies(output);
    const chunk = Buffer.alloc(65536, 'a');
    sink(chunk.subarray(0, 1));
    sink(chunk.subarray(1, 3));
    chunk.fill('b');
    expect(output.text()).toBe('aaa');
  });

  it('stops keeping at the limit and flags truncation', () => {
    const output = new BoundedOutput(4);
    const sink = keepingCopies(output);
    for (let i = 0; i < 1000; i++) sink(Buffer.from('xyz'));
    expect(output.text()).toBe('xyzx');
    expect(output.truncated).toBe(true);
  });
});
