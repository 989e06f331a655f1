import { ConcurrencyGate } from './concurrency-gate';
import { SandboxError, SandboxErrorCode } from './sandbox-error';

describe('ConcurrencyGate', () => {
  it('runs at most `limit` tasks, queues `maxQueue`, and refuses the rest at once', async () => {
    const gate = new ConcurrencyGate(2, 1);
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const task = () =>
      gate.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => releases.push(r));
        running--;
        return { value: undefined };
      });
    const a = task();
    const b = task();
    const c = task();
    await expect(task()).rejects.toMatchObject({ code: SandboxErrorCode.Capacity });
    await expect(task()).rejects.toBeInstanceOf(SandboxError);
    expect(gate.running).toBe(2);
    expect(gate.queued).toBe(1);
    while (releases.length < 2) await new Promise((r) => setImmediate(r));
    releases.shift()!();
    await a;
    while (releases.length < 2) await new Promise((r) => setImmediate(r));
    releases.splice(0).forEach((r) => r());
    await Promise.all([b, c]);
    expect(peak).toBe(2);
    expect(gate.running).toBe(0);
  });

  it('frees the slot when a task throws', async () => {
    const gate = new ConcurrencyGate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => ({ value: 7 }))).resolves.toBe(7);
  });

  it('returns the value at once and keeps the slot until `settled` settles, even when it rejects', async () => {
    const gate = new ConcurrencyGate(1, 1);
    let settle!: (ok: boolean) => void;
    const settled = new Promise<void>((resolve, reject) => (settle = (ok) => (ok ? resolve() : reject(new Error('left over')))));
    await expect(gate.run(async () => ({ value: 'first', settled }))).resolves.toBe('first');
    expect(gate.running).toBe(1);
    let second = false;
    const next = gate.run(async () => ({ value: (second = true) }));
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(false);
    settle(false);
    await next;
    expect(second).toBe(true);
    expect(gate.running).toBe(0);
  });
});
