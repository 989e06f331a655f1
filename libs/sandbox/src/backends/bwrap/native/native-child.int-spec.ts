import { readdirSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { fastSpawnAddonPath, loadFastSpawn } from './fast-spawn-addon';
import { NativeChild, NativeSpawnOptions } from './native-child';

const addon = loadFastSpawn();
if (!addon && process.env.CI === 'true') throw new Error(`fast-spawn addon not built at ${fastSpawnAddonPath()} (npm run sandbox:build)`);
const describeAddon = addon ? describe : describe.skip;

const LIMITS = { core: 0, fsize: 1 << 20, nofile: 64 };

interface Finished {
  stdout: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  events: string[];
}

function run(script: string, o: Partial<NativeSpawnOptions> = {}, stdin?: string): Promise<Finished> {
  const child = new NativeChild(addon!, '/bin/sh', ['sh', '-c', script], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: '/usr/bin:/bin' },
    limits: LIMITS,
    ...o,
  });
  const chunks: Buffer[] = [];
  const events: string[] = [];
  (child.stdout as Socket).on('data', (c: Buffer) => chunks.push(c));
  if (stdin !== undefined) (child.stdin as Socket).end(stdin);
  child.once('exit', () => events.push('exit'));
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      events.push('close');
      resolve({ stdout: Buffer.concat(chunks).toString(), code, signal, events });
    }),
  );
}

/** Children of this process that have exited and were never reaped. */
function zombieChildren(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return state === 'Z' && Number(ppid) === process.pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const statusField = (stdout: string, field: string) => new RegExp(`^${field}:[ \\t]*(.*)$`, 'm').exec(stdout)?.[1].trim();

describeAddon('NativeChild (fast-spawn addon)', () => {
  it('passes exactly the given descriptors, /dev/null for ignore, and nothing this process holds', async () => {
    const r = await run('exec ls -l /proc/self/fd', { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const fds = Object.fromEntries(
      [...r.stdout.matchAll(/ (\d+) -> (.*)$/gm)].map((m) => [m[1], m[2]]).filter(([, target]) => !/^\/proc\/\d+\/fd$/.test(target)),
    );
    expect(Object.keys(fds).sort()).toEqual(['0', '1', '2', '3']);
    expect(fds['0']).toBe('/dev/null');
    for (const fd of ['1', '2', '3']) expect(fds[fd]).toMatch(/^socket:/);
    expect(readdirSync('/proc/self/fd').length).toBeGreaterThan(4);
  });

  it('sets core, file size and open files limits, soft and hard', async () => {
    const r = await run('cat /proc/$$/limits');
    const limit = (name: string) => new RegExp(`^${name}\\s+(\\S+)\\s+(\\S+)`, 'm').exec(r.stdout)?.slice(1, 3);
    expect(limit('Max core file size')).toEqual(['0', '0']);
    expect(limit('Max file size')).toEqual([String(LIMITS.fsize), String(LIMITS.fsize)]);
    expect(limit('Max open files')).toEqual([String(LIMITS.nofile), String(LIMITS.nofile)]);
  });

  it('leaves no signal blocked or ignored (this process ignores SIGPIPE)', async () => {
    // exec: the shell itself blocks every signal while it waits for a child such as cat.
    const r = await run('exec cat /proc/self/status');
    expect(statusField(r.stdout, 'SigBlk')).toMatch(/^0+$/);
    expect(statusField(r.stdout, 'SigIgn')).toMatch(/^0+$/);
  });

  it('gets the environment it is given and nothing else', async () => {
    const r = await run('env', { env: { ONLY: 'this' } });
    expect(r.stdout.trim().split('\n').sort()).toEqual(expect.arrayContaining(['ONLY=this']));
    expect(r.stdout).not.toMatch(/^HOME=/m);
  });

  (process.getuid?.() === 0 ? it : it.skip)('switches to the given uid and gid with no supplementary groups', async () => {
    const r = await run('cat /proc/$$/status', { uid: 65534, gid: 65534 });
    expect(statusField(r.stdout, 'Uid')).toBe('65534\t65534\t65534\t65534');
    expect(statusField(r.stdout, 'Gid')).toBe('65534\t65534\t65534\t65534');
    expect(statusField(r.stdout, 'Groups')).toBe('');
  });

  it('reports the exit code, then close once the output has ended', async () => {
    const r = await run('read line; echo "got $line"; exit 3', {}, 'hello\n');
    expect(r).toEqual({ stdout: 'got hello\n', code: 3, signal: null, events: ['exit', 'close'] });
  });

  it('reports a death by signal, and kill() reaches only a live child', async () => {
    const child = new NativeChild(addon!, '/bin/sleep', ['sleep', '30'], { stdio: ['ignore', 'pipe', 'pipe'], env: {}, limits: LIMITS });
    const closed = new Promise<[number | null, string | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
    expect(child.kill('SIGKILL')).toBe(true);
    expect(await closed).toEqual([null, 'SIGKILL']);
    expect(child.kill('SIGKILL')).toBe(false);
    expect(zombieChildren()).toEqual([]);
  });

  it('refuses an argument with a NUL byte instead of cutting it short', () => {
    expect(() => new NativeChild(addon!, '/bin/echo', ['echo', 'a\0b'], { stdio: ['pipe', 'pipe', 'pipe'], env: {}, limits: LIMITS })).toThrow(
      /bad arguments/,
    );
  });

  it('throws when the program cannot be executed, leaving no descriptor and no zombie behind', async () => {
    const before = readdirSync('/proc/self/fd').length;
    expect(() => new NativeChild(addon!, '/nonexistent/bin', ['x'], { stdio: ['pipe', 'pipe', 'pipe'], env: {}, limits: LIMITS })).toThrow(
      /execve.*No such file/,
    );
    expect(readdirSync('/proc/self/fd').length).toBe(before);
    await new Promise((r) => setTimeout(r, 100));
    expect(zombieChildren()).toEqual([]);
  });
});
