import { launcherInvocation } from './container-launcher';

const limits = { timeoutMs: 1000, memoryMb: 64, pids: 16, outputBytes: 1024, tmpfsMb: 4 };

describe('launcherInvocation', () => {
  it('passes names and byte sizes as argv, never inside the script', () => {
    const inv = launcherInvocation(
      { argv: ['python3', 'main.py'], files: [{ name: '$(reboot); x', content: 'é' }], stdin: 'in', limits },
      6000,
    );
    expect(inv.cmd.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(inv.cmd[2]).not.toContain('reboot');
    expect(inv.cmd.slice(3)).toEqual(['sandbox-launch', '6.000', '1', '2', '$(reboot); x', 'python3', 'main.py']);
    expect(inv.stdin.toString()).toBe('éin');
  });
});
