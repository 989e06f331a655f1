import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CgroupMount } from './cgroup-fs';
import { CgroupV1Manager } from './cgroup-v1-manager';

/** Plain directories stand in for v1 hierarchies: the manager only mkdirs, writes and rmdirs. */
describe('CgroupV1Manager on a fake hierarchy', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cg-'));
    for (const d of ['memory/gw', 'pids', 'cpu,cpuacct']) mkdirSync(join(root, d), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const mounts = (): Map<string, CgroupMount> =>
    new Map([
      ['memory', { mountPoint: join(root, 'memory'), path: '/gw' }],
      ['pids', { mountPoint: join(root, 'pids'), path: '/' }],
      ['cpu', { mountPoint: join(root, 'cpu,cpuacct'), path: '/' }],
      ['cpuacct', { mountPoint: join(root, 'cpu,cpuacct'), path: '/' }],
    ]);

  it('creates its subtree under this process’s own cgroups and writes the limits', async () => {
    const manager = new CgroupV1Manager(mounts());
    expect(await manager.problem()).toBeUndefined();
    await manager.create({ memoryBytes: 64 << 20, pids: 32, cpus: 1.5 });
    const base = join(root, 'memory/gw', `sandbox-${process.pid}`);
    expect(existsSync(base)).toBe(true);
    const [run] = readdirSync(base);
    expect(run).toMatch(/^run-\d+-[0-9a-f]+$/);
    expect(readFileSync(join(base, run, 'memory.limit_in_bytes'), 'utf8')).toBe(String(64 << 20));
    expect(readFileSync(join(root, 'pids', `sandbox-${process.pid}`, run, 'pids.max'), 'utf8')).toBe('32');
    const cpu = join(root, 'cpu,cpuacct', `sandbox-${process.pid}`, run);
    expect(readFileSync(join(cpu, 'cpu.cfs_quota_us'), 'utf8')).toBe('150000');
  });

  it('says what is missing when a required controller is not mounted', async () => {
    const m = mounts();
    m.delete('pids');
    expect(await new CgroupV1Manager(m).problem()).toMatch(/pids controller is not mounted/);
  });
});
