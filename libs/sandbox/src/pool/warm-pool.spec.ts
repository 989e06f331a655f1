import { PreparedRun } from '../backends/sandbox-backend';
import { DEFAULT_LIMITS_TABLE } from '../limits';
import { RefillScheduler } from './refill-scheduler';
import { WarmPool } from './warm-pool';
import { WarmRuntime } from './warm-runtime';
import { WarmCapable, WarmOutcome, WarmSandbox } from './warm-sandbox';
import { WarmUrgency } from './warm-urgency';

/** A stand-in backend: the pool's bookkeeping is under test here; real sandboxes in warm-pool.int-spec.ts. */
class FakeSandbox implements WarmSandbox {
  alive = true;
  destroyed = false;
  deliveries = 0;
  private readonly listeners: (() => void)[] = [];
  constructor(readonly runtime: WarmRuntime) {}
  onDeath(listener: () => void): void {
    this.listeners.push(listener);
  }
  async deliver(_run: PreparedRun): Promise<WarmOutcome> {
    this.deliveries++;
    this.alive = false;
    return { kind: 'not-started', reason: 'fake' };
  }
  async destroy(): Promise<void> {
    this.alive = false;
    this.destroyed = true;
  }
  die(): void {
    this.alive = false;
    this.listeners.forEach((l) => l());
  }
}

class FakeBackend implements WarmCapable {
  started: FakeSandbox[] = [];
  pending: { resolve: () => void; reject: (e: Error) => void; urgency?: WarmUrgency }[] = [];
  active = 0;
  maxActive = 0;
  fail = false;
  manual = false;
  cheap = false;
  warmIsCheap(): boolean {
    return this.cheap;
  }
  startWarm(runtime: WarmRuntime, _limits: unknown, urgency?: WarmUrgency): Promise<WarmSandbox> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    return new Promise<void>((resolve, reject) => {
      if (this.manual) this.pending.push({ resolve, reject, urgency });
      else setTimeout(() => (this.fail ? reject(new Error('broken runtime')) : resolve()), 5);
    }).then(
      () => {
        this.active--;
        const s = new FakeSandbox(runtime);
        this.started.push(s);
        return s;
      },
      (e: Error) => {
        this.active--;
        throw e;
      },
    );
  }
}

const limits = DEFAULT_LIMITS_TABLE.defaults;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(size: number, parallel = 1, allowed: (pool: WarmPool) => boolean = () => true, delayMs = 0) {
  const backend = new FakeBackend();
  const scheduler = new RefillScheduler(parallel, allowed, delayMs);
  const pool = new WarmPool('python', size, backend, limits, () => scheduler.kick(), 60_000);
  scheduler.add(pool);
  return { backend, scheduler, pool };
}

describe('WarmPool with RefillScheduler', () => {
  it('fills to its size with bounded parallelism and refills after each take', async () => {
    const { backend, scheduler, pool } = setup(3, 1);
    scheduler.kick();
    await pool.settled();
    expect(pool.stats).toMatchObject({ idle: 3, starting: 0 });
    expect(backend.maxActive).toBe(1);
    const taken = await pool.acquire();
    expect(taken).toBe(backend.started[0]);
    await pool.settled();
    expect(backend.started).toHaveLength(4);
    await pool.close();
  });

  it('hands out no sandbox twice and skips one that died while idle', async () => {
    const { backend, scheduler, pool } = setup(2);
    scheduler.kick();
    await pool.settled();
    (backend.started[0] as FakeSandbox).die();
    const a = await pool.acquire();
    expect(a).toBe(backend.started[1]);
    const b = await pool.acquire();
    expect(b).not.toBe(a);
    expect(backend.started[0].destroyed).toBe(true);
    await pool.close();
  });

  it('a run waits for a start in progress and raises its urgency; none in progress means cold', async () => {
    const { backend, scheduler, pool } = setup(1);
    backend.manual = true;
    expect(await pool.acquire()).toBeUndefined(); // nothing started yet: cold, and a start begins
    await sleep(5);
    expect(backend.pending).toHaveLength(1);
    const waiting = pool.acquire();
    expect(backend.pending[0].urgency?.isUrgent).toBe(true);
    expect(await Promise.race([pool.acquire(), sleep(20).then(() => 'blocked')])).toBeUndefined(); // one start serves one waiter
    backend.pending.shift()!.resolve();
    expect(await waiting).toBe(backend.started[0]);
    backend.manual = false;
    backend.pending.splice(0).forEach((p) => p.resolve());
    scheduler.kick();
    await pool.close();
  });

  it('where a warm start is cheap, it refills while runs are live, and a run with none to wait for gets one started for it', async () => {
    const busy = (pool: WarmPool) => pool.refillsWhileBusy;
    const costly = setup(1, 1, busy);
    costly.scheduler.kick();
    await sleep(20);
    expect(costly.backend.started).toHaveLength(0);
    expect(await costly.pool.acquire()).toBeUndefined();
    await costly.pool.close();

    const { backend, scheduler, pool } = setup(1, 1, busy);
    backend.cheap = true;
    backend.manual = true;
    const run = pool.acquire();
    await sleep(5);
    expect(backend.pending.length).toBeGreaterThanOrEqual(1);
    expect(backend.pending[0].urgency?.isUrgent).toBe(true);
    backend.manual = false;
    backend.pending.splice(0).forEach((p) => p.resolve());
    expect(await run).toBe(backend.started[0]);
    await pool.settled();
    expect(pool.stats.idle).toBe(1);
    scheduler.stop();
    await pool.close();
  });

  it('backs off after failed starts instead of spinning', async () => {
    const { backend, scheduler, pool } = setup(2);
    backend.fail = true;
    let attempts = 0;
    const original = backend.startWarm.bind(backend);
    backend.startWarm = (...a) => {
      attempts++;
      return original(...a);
    };
    scheduler.kick();
    await sleep(500);
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThan(8);
    expect(pool.stats.failures).toBe(attempts);
    expect(await pool.acquire()).toBeUndefined();
    backend.fail = false;
    scheduler.stop();
    await pool.close();
  });

  it('starts refills delayMs after a kick, and not while a run is in progress then', async () => {
    let allowed = true;
    const { backend, scheduler, pool } = setup(1, 1, () => allowed, 40);
    scheduler.kick();
    await sleep(10);
    expect(backend.started).toHaveLength(0);
    allowed = false;
    await sleep(60);
    expect(backend.started).toHaveLength(0);
    allowed = true;
    scheduler.kick();
    await pool.settled();
    expect(backend.started).toHaveLength(1);
    await pool.close();
  });

  it('does not refill while not allowed (runs in progress); kick() resumes', async () => {
    let allowed = false;
    const { backend, scheduler, pool } = setup(2, 1, () => allowed);
    scheduler.kick();
    await sleep(30);
    expect(backend.started).toHaveLength(0);
    allowed = true;
    scheduler.kick();
    await pool.settled();
    expect(pool.stats.idle).toBe(2);
    await pool.close();
  });

  it('close() destroys idle sandboxes and those that finish starting afterwards', async () => {
    const { backend, scheduler, pool } = setup(2);
    scheduler.kick();
    await sleep(7);
    await pool.close();
    expect(backend.started.length).toBeGreaterThan(0);
    expect(backend.started.every((s) => s.destroyed)).toBe(true);
    expect(await pool.acquire()).toBeUndefined();
    expect(pool.deficit).toBe(0);
  });
});
