import { existsSync, readFileSync } from 'node:fs';
import { CgroupV2Manager } from './cgroup-v2-manager';

const unified = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup'].find((d) => existsSync(`${d}/cgroup.controllers`));
const controllers = unified ? readFileSync(`${unified}/cgroup.controllers`, 'utf8') : '';
const noMemory = unified !== undefined && !/\bmemory\b/.test(controllers);

describe('CgroupV2Manager', () => {
  (noMemory ? it : it.skip)('says which controllers are missing instead of running unlimited', async () => {
    const problem = await new CgroupV2Manager({ mountPoint: unified!, path: '/' }).problem();
    expect(problem).toMatch(/cgroup v2: controllers .*memory.* are not delegated/);
  });

  it('reports a missing delegated parent', async () => {
    const problem = await new CgroupV2Manager({ mountPoint: '/nonexistent-cgroup', path: '/' }).problem();
    expect(problem).toMatch(/cgroup v2: controllers memory,pids are not delegated to \/nonexistent-cgroup/);
  });
});
