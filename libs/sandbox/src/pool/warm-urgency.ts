/**
 * Lets a pool tell a sandbox still starting (in the background, at a tiny CPU weight) that
 * a run now waits for it, so it must not be starved by the very load it is to serve.
 */
export class WarmUrgency {
  private urgent = false;
  private readonly listeners: (() => void)[] = [];

  get isUrgent(): boolean {
    return this.urgent;
  }

  raise(): void {
    if (this.urgent) return;
    this.urgent = true;
    for (const listener of this.listeners.splice(0)) listener();
  }

  onRaise(listener: () => void): void {
    if (this.urgent) listener();
    else this.listeners.push(listener);
  }
}
