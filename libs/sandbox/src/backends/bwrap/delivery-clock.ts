/** A delivered warm run's wall clock: it starts at delivery and kills the run at its timeout. */
export class DeliveryClock {
  timedOut = false;
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number, kill: () => void) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      kill();
    }, timeoutMs);
  }

  /** Stops the clock; returns the run's duration in ms. */
  stop(): number {
    clearTimeout(this.timer);
    return Math.round(performance.now() - this.started);
  }
}
