import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKey } from './api-key.entity';
import { generateKey, hashKey } from './key-material';
import { KeysErrorCode, KeysException, disabledKey, unknownKey } from './keys.exception';
import { Principal } from './principal';

export interface CreatedKey {
  id: string;
  key: string;
  credits: number;
  label: string | null;
  createdAt: Date;
}

export interface KeyUsage {
  calls: number;
  refunded: number;
  creditsSpent: number;
  byService: Record<string, number>;
}

@Injectable()
export class ApiKeyService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Creates the key and its opening ledger row in one statement. */
  async create(credits: number, label: string | null, reason: string): Promise<CreatedKey> {
    const material = generateKey();
    const [row] = await this.db.query(
      `WITH k AS (
         INSERT INTO api_keys (key_hash, key_prefix, label, credits) VALUES ($1, $2, $3, $4)
         RETURNING id, credits, label, created_at
       ), l AS (
         INSERT INTO credit_ledger (key_id, delta, balance_after, reason) SELECT id, credits, credits, $5 FROM k
       )
       SELECT id, credits, label, created_at FROM k`,
      [material.hash, material.displayPrefix, label, credits, reason],
    );
    return { id: row.id, key: material.key, credits: row.credits, label: row.label, createdAt: row.created_at };
  }

  async authenticate(token: string): Promise<Principal> {
    const keyHash = hashKey(token);
    const [row] = await this.db.query('SELECT id, disabled FROM api_keys WHERE key_hash = $1', [keyHash]);
    if (!row) throw unknownKey();
    if (row.disabled) throw disabledKey();
    return { keyHash, keyId: row.id };
  }

  async get(id: string): Promise<ApiKey> {
    const key = await this.db.getRepository(ApiKey).findOneBy({ id });
    if (!key) throw new KeysException(KeysErrorCode.KeyNotFound, `No key with id ${id}`);
    return key;
  }

  async list(limit: number, offset: number): Promise<{ items: ApiKey[]; total: number }> {
    const [items, total] = await this.db
      .getRepository(ApiKey)
      .findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, take: limit, skip: offset });
    return { items, total };
  }

  async setDisabled(id: string, disabled: boolean): Promise<ApiKey> {
    const result = await this.db.getRepository(ApiKey).update({ id }, { disabled });
    if (!result.affected) throw new KeysException(KeysErrorCode.KeyNotFound, `No key with id ${id}`);
    return this.get(id);
  }

  async usage(id: string): Promise<KeyUsage> {
    const rows: { service: string; reason: string; n: string; credits: string }[] = await this.db.query(
      `SELECT service, reason, count(*) AS n, sum(delta) AS credits FROM credit_ledger
        WHERE key_id = $1 AND reason IN ('debit', 'refund') GROUP BY service, reason`,
      [id],
    );
    const usage: KeyUsage = { calls: 0, refunded: 0, creditsSpent: 0, byService: {} };
    for (const r of rows) {
      const n = Number(r.n);
      usage.creditsSpent -= Number(r.credits);
      if (r.reason === 'refund') {
        usage.refunded += n;
        continue;
      }
      usage.calls += n;
      usage.byService[r.service] = (usage.byService[r.service] ?? 0) + n;
    }
    return usage;
  }
}
