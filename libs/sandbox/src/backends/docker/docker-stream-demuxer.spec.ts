import { DockerStreamDemuxer } from './docker-stream-demuxer';

function frame(stream: number, payload: string): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe('DockerStreamDemuxer', () => {
  const collect = () => {
    const out = { stdout: '', stderr: '' };
    const demuxer = new DockerStreamDemuxer(
      (b) => (out.stdout += b.toString()),
      (b) => (out.stderr += b.toString()),
    );
    return { out, demuxer };
  };

  it('splits whole frames', () => {
    const { out, demuxer } = collect();
    demuxer.write(Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')]));
    expect(out).toEqual({ stdout: 'out1 out2', stderr: 'err' });
  });

  it('handles frames and headers cut at every byte boundary', () => {
    const all = Buffer.concat([frame(1, 'hello'), frame(2, 'world!'), frame(1, ''), frame(1, 'x')]);
    for (let size = 1; size <= all.length; size++) {
      const { out, demuxer } = collect();
      for (let i = 0; i < all.length; i += size) demuxer.write(all.subarray(i, i + size));
      expect(out).toEqual({ stdout: 'hellox', stderr: 'world!' });
    }
  });

  it('ignores the stdin stream id and unknown ids', () => {
    const { out, demuxer } = collect();
    demuxer.write(Buffer.concat([frame(0, 'in'), frame(3, 'sys'), frame(1, 'ok')]));
    expect(out).toEqual({ stdout: 'ok', stderr: '' });
  });
});
