const MAX_KEYS = 10_000;
const FRESH_MS = 60_000;
/** Head starts of one key in flight at once: what a key drained or disabled meanwhile can get unpaid. */
const MAX_HEAD_STARTS = 2;

interface Entry {
  keyId: string;
  balance: number;
  /** The ledger row of the debit that left `balance`: debits of one key take ledger ids in commit order. */
  ledgerId: bigint;
  /** Debits that started before this (a failure was seen, or an admin changed the key) no longer count. */
  validFrom: number;
  reserved: number;
  headStarts: number;
  at: number;
}

export interface FundedDebit {
  keyId: string;
  balance: number;
  ledgerId: bigint;
}

/**
 * Keys this process has just debited, with the balance their latest debit left. A request whose
 * key holds enough of that balance, net of its head starts in flight, may start its handler
 * while its debit runs: the debit stays authoritative, and a failing one discards the handler's
 * result. Only a key that was funded moments ago gets that head start, so an unknown, disabled
 * or empty key never makes a handler run unpaid. What a key disabled or drained elsewhere within
 * the last minute can get unpaid is at most MAX_HEAD_STARTS handlers; its next failed debit, or
 * an admin change here, ends its head starts.
 */
export class FundedKeys {
  private readonly entries = new Map<string, Entry>();
  private debits = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = MAX_KEYS,
  ) {}

  /** Called as a debit starts; its outcome is reported with the number returned. */
  begin(): number {
    return ++this.debits;
  }

  /** Reserves `cost` of the key's last known balance; the returned release is called once its debit has settled. */
  reserve(keyHash: string, cost: number): (() => void) | undefined {
    const entry = this.entries.get(keyHash);
    if (!entry || this.now() - entry.at > FRESH_MS || entry.headStarts >= MAX_HEAD_STARTS) return undefined;
    if (entry.balance - entry.reserved < cost) return undefined;
    entry.reserved += cost;
    entry.headStarts++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.reserved -= cost;
      entry.headStarts--;
    };
  }

  /** After a successful debit that started as `debit`. */
  funded(keyHash: string, debit: number, d: FundedDebit): void {
    const entry = this.entries.get(keyHash);
    if (entry) {
      if (debit < entry.validFrom || d.ledgerId <= entry.ledgerId) return;
      Object.assign(entry, { keyId: d.keyId, balance: d.balance, ledgerId: d.ledgerId, at: this.now() });
      // Re-inserted, so the map's order is least recently funded first.
      this.entries.delete(keyHash);
      this.entries.set(keyHash, entry);
      return;
    }
    this.entries.set(keyHash, { ...d, validFrom: 0, reserved: 0, headStarts: 0, at: this.now() });
    if (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
  }

  /** After a failed debit (unknown, disabled or short key): no head start until a debit started later succeeds. */
  forget(keyHash: string): void {
    const entry = this.entries.get(keyHash);
    if (entry) this.invalidate(entry);
  }

  /** After an admin change to the key (disabled, credits revoked). */
  forgetKeyId(keyId: string): void {
    for (const entry of this.entries.values()) if (entry.keyId === keyId) this.invalidate(entry);
  }

  private invalidate(entry: Entry): void {
    entry.balance = 0;
    entry.validFrom = this.debits + 1;
  }
}
