import { RunLimits } from '../../../run-spec';
import { sameSandboxLimits } from '../../../pool/warm-sandbox';
import { PythonZygote, ZygoteChild } from './python-zygote';

/**
 * The zygote warm Python sandboxes are forked from: one current zygote (for one set of
 * creation-time limits), replaced once its slots are used up or it died. Spent zygotes retire
 * themselves once their last child is gone; idle ones (no child alive) on retireIdle().
 */
export class PythonZygoteFleet {
  private current?: { limits: RunLimits; zygote: Promise<PythonZygote> };
  private readonly started = new Set<PythonZygote>();

  constructor(private readonly startZygote: (limits: RunLimits) => Promise<PythonZygote>) {}

  async fork(limits: RunLimits): Promise<ZygoteChild> {
    for (let attempt = 0; ; attempt++) {
      const current = this.currentFor(limits);
      let zygote: PythonZygote;
      try {
        zygote = await current.zygote;
      } catch (err) {
        if (this.current === current) this.current = undefined;
        throw err;
      }
      if (zygote.freeSlots > 0) return zygote.fork();
      if (this.current === current) this.current = undefined;
      if (attempt > 0) throw new Error('python zygote has no slot left');
    }
  }

  /** Retires every zygote with no child alive; later forks start a new one. */
  async retireIdle(): Promise<void> {
    const idle = [...this.started].filter((z) => z.liveChildren === 0);
    await Promise.all(idle.map((z) => z.retire()));
  }

  private currentFor(limits: RunLimits): { limits: RunLimits; zygote: Promise<PythonZygote> } {
    if (this.current && sameSandboxLimits(this.current.limits, limits)) return this.current;
    // Replaced: it forks no more and retires once its children are gone.
    void this.current?.zygote.then((z) => z.stopForking(), () => undefined);
    const zygote = this.startZygote(limits).then((z) => {
      this.started.add(z);
      void z.whenRetired().then(() => this.started.delete(z));
      return z;
    });
    this.current = { limits, zygote };
    return this.current;
  }
}
