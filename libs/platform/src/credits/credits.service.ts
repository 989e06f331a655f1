import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { KeysErrorCode, KeysException, disabledKey, unknownKey } from '../keys/keys.exception';
import { LedgerPool } from '../database/ledger-pool';
import { CreditsErrorCode, CreditsException } from './credits.exception';
import { FundedDebit, FundedKeys } from './funded-keys';
import { LedgerEntry } from './ledger-entry.entity';

/** The most credits a key can hold; the column is a 32-bit integer. */
export const MAX_BALANCE = 2_000_000_000;
const INT4_MAX = 2_147_483_647;

export interface Charge {
  keyId: string;
  cost: number;
  service: string;
  requestId: string;
}

export interface KeyCharge {
  keyHash: string;
  cost: number;
  service: string;
  requestId: string;
}

/**
 * Every balance change is one SQL statement that moves `api_keys.credits` and
 * writes its ledger row together, so balance = sum(ledger) always holds and
 * concurrent debits can neither overdraw nor lose an update.
 */
@Injectable()
export class CreditsService {
  private readonly funded = new FundedKeys();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hotPath: LedgerPool,
  ) {}

  /** A head start for the handler while this key's debit runs; see FundedKeys. */
  reserveHeadStart(keyHash: string, cost: number): (() => void) | undefined {
    return this.funded.reserve(keyHash, cost);
  }

  /** Authenticates the key and debits it in one round trip: the paid path's only query. */
  async debit(c: KeyCharge): Promise<{ keyId: string; balance: number }> {
    const started = this.funded.begin();
    try {
      const debited = await this.authenticateAndDebit(c);
      this.funded.funded(c.keyHash, started, debited);
      return { keyId: debited.keyId, balance: debited.balance };
    } catch (err) {
      this.funded.forget(c.keyHash);
      throw err;
    }
  }

  /** An admin disabled the key or took credits from it: no more head starts on what this process last saw. */
  forgetKey(keyId: string): void {
    this.funded.forgetKeyId(keyId);
  }

  private async authenticateAndDebit(c: KeyCharge): Promise<FundedDebit> {
    const [row] = await this.hotPath.prepared<{ id: string; disabled: boolean; balance: number | null; ledger_id: string | null }>(
      'gateway_debit',
      `WITH k AS (SELECT id, disabled FROM api_keys WHERE key_hash = $1),
       d AS (
         UPDATE api_keys a SET credits = a.credits - $2, last_used_at = now()
           FROM k WHERE a.id = k.id AND NOT k.disabled AND a.credits >= $2
         RETURNING a.id, a.credits
       ),
       l AS (
         INSERT INTO credit_ledger (key_id, delta, balance_after, reason, service, request_id)
         SELECT id, -$2::int, credits, 'debit', $3, $4 FROM d RETURNING id, balance_after
       )
       SELECT k.id, k.disabled, l.balance_after AS balance, l.id AS ledger_id FROM k LEFT JOIN l ON true`,
      [c.keyHash, c.cost, c.service, c.requestId],
    );
    if (!row) throw unknownKey();
    if (row.disabled) throw disabledKey();
    if (row.balance === null) {
      throw new CreditsException(CreditsErrorCode.InsufficientCredits, `This call costs ${c.cost} credit(s); the key's balance is too low`, {
        cost: c.cost,
      });
    }
    return { keyId: row.id, balance: row.balance, ledgerId: BigInt(row.ledger_id!) };
  }

  async refund(c: Charge): Promise<number> {
    return this.move(c.keyId, c.cost, 'refund', c.service, c.requestId);
  }

  /** Admin grant (delta > 0) or revoke (delta < 0); never below zero, never above MAX_BALANCE. */
  async adjust(keyId: string, delta: number, reason: string): Promise<number> {
    const balance = await this.move(keyId, delta, `admin: ${reason}`, null, null, MAX_BALANCE);
    if (delta < 0) this.forgetKey(keyId);
    return balance;
  }

  /** `max` bounds grants (delta > 0) only; a refund restores what a debit took and is never refused by it. */
  private async move(
    keyId: string,
    delta: number,
    reason: string,
    service: string | null,
    requestId: string | null,
    max = INT4_MAX,
  ): Promise<number> {
    const [row] = await this.db.query(
      `WITH u AS (
         UPDATE api_keys SET credits = credits + $2 WHERE id = $1 AND credits::bigint + $2 BETWEEN 0 AND $6 RETURNING id, credits
       )
       INSERT INTO credit_ledger (key_id, delta, balance_after, reason, service, request_id)
       SELECT id, $2::int, credits, $3, $4, $5 FROM u RETURNING balance_after`,
      [keyId, delta, reason, service, requestId, delta > 0 ? max : INT4_MAX],
    );
    if (row) return row.balance_after;
    const [exists] = await this.db.query('SELECT credits FROM api_keys WHERE id = $1', [keyId]);
    if (!exists) throw new KeysException(KeysErrorCode.KeyNotFound, `No key with id ${keyId}`);
    // From the sign, not the balance read after: a debit in between must not turn one into the other.
    if (delta > 0) {
      throw new CreditsException(CreditsErrorCode.BalanceTooLarge, `The balance is ${exists.credits}; it cannot go above ${max}`, {
        credits: exists.credits,
      });
    }
    throw new CreditsException(CreditsErrorCode.NegativeBalance, `The balance is ${exists.credits}; it cannot go below zero`, {
      credits: exists.credits,
    });
  }

  async ledger(keyId: string, limit: number, offset: number): Promise<{ items: LedgerEntry[]; total: number }> {
    const [items, total] = await this.db
      .getRepository(LedgerEntry)
      .findAndCount({ where: { keyId }, order: { id: 'DESC' }, take: limit, skip: offset });
    return { items, total };
  }

  async ledgerSum(keyId: string): Promise<number> {
    const [row] = await this.db.query('SELECT coalesce(sum(delta), 0)::int AS sum FROM credit_ledger WHERE key_id = $1', [keyId]);
    return row.sum;
  }
}
