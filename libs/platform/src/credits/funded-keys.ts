const MAX_KEYS = 10_000;
const FRESH_MS = 60_000;

interface Entry {
  balance: number;
  reserved: number;
  at: number;
}

/**
 * Keys this process has just debited, with the balance their last debit left. A request whose
 * key holds enough of that balance, net of the requests of it still in flight, may start its
 * handler while its debit runs: the debit stays authoritative, and a failing one discards the
 * handler's result. Only a key that was funded moments ago gets that head start, so an unknown,
 * disabled or empty key never makes a handler run unpaid; the rest (a key disabled, or drained by
 * another instance, within the last minute) costs at most its requests in flight.
 */
export class FundedKeys {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = MAX_KEYS,
  ) {}

  /** Reserves `cost` of the key's last known balance; the returned release is called once its debit has settled. */
  reserve(keyHash: string, cost: number): (() => void) | undefined {
    const entry = this.entries.get(keyHash);
    if (!entry || this.now() - entry.at > FRESH_MS || entry.balance - entry.reserved < cost) return undefined;
    entry.reserved += cost;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.reserved -= cost;
    };
  }

  /** After a successful debit: the balance it left. */
  funded(keyHash: string, balance: number): void {
    const entry = this.entries.get(keyHash) ?? { balance, reserved: 0, at: 0 };
    entry.balance = balance;
    entry.at = this.now();
    // Re-inserted, so the map's order is least recently funded first.
    this.entries.delete(keyHash);
    this.entries.set(keyHash, entry);
    if (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
  }

  /** After a failed debit (unknown, disabled or short key). */
  forget(keyHash: string): void {
    this.entries.delete(keyHash);
  }
}
