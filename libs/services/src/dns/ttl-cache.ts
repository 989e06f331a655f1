interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** Map-backed LRU with per-entry expiry: Map keeps insertion order, so re-inserting on read marks recency. */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): { value: V; remainingMs: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const remainingMs = entry.expiresAt - this.now();
    this.entries.delete(key);
    if (remainingMs <= 0) return undefined;
    this.entries.set(key, entry);
    return { value: entry.value, remainingMs };
  }

  set(key: string, value: V, ttlMs: number): void {
    if (this.maxEntries <= 0 || ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}
