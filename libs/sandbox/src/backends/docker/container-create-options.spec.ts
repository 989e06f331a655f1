import { SANDBOX_ENV } from '../sandbox-backend';
import { containerCreateOptions } from './container-create-options';

const limits = { timeoutMs: 1000, memoryMb: 128, pids: 32, outputBytes: 1024, tmpfsMb: 8 };

describe('containerCreateOptions', () => {
  const opts = containerCreateOptions({ image: 'img:1', runtime: 'runsc', cpus: 0.5 }, limits, ['true']);
  const host = opts.HostConfig!;

  it('locks the container down', () => {
    expect(host).toMatchObject({
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Privileged: false,
      CapDrop: ['ALL'],
      Memory: 128 * 1024 * 1024,
      MemorySwap: 128 * 1024 * 1024,
      PidsLimit: 32,
      NanoCpus: 500_000_000,
      LogConfig: { Type: 'none', Config: {} },
      Runtime: 'runsc',
      AutoRemove: false,
    });
    expect(host.SecurityOpt![0]).toBe('no-new-privileges');
    expect(host.SecurityOpt![1]).toMatch(/^seccomp=\{/);
    expect(host.Binds).toEqual([]);
    expect(host.Mounts).toEqual([]);
    expect(host.Ulimits!.map((u) => u.Name)).not.toContain('nproc');
    expect(host.Tmpfs!['/work']).toMatch(/nosuid,nodev,size=8m,nr_inodes=4096,uid=65534,gid=65534/);
    expect(opts.User).toBe('65534:65534');
  });

  it('sets exactly the sandbox environment', () => {
    expect(opts.Env).toEqual(Object.entries(SANDBOX_ENV).map(([k, v]) => `${k}=${v}`));
  });

  it('rejects root and non-numeric users', () => {
    expect(() => containerCreateOptions({ image: 'i', user: '0:0' }, limits, [])).toThrow(/root/);
    expect(() => containerCreateOptions({ image: 'i', user: 'nobody' }, limits, [])).toThrow(/numeric/);
  });
});
