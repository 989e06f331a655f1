import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764160000000 implements MigrationInterface {
  name = 'InitialSchema1764160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key_hash char(64) NOT NULL UNIQUE,
        key_prefix varchar(16) NOT NULL,
        label varchar(200),
        credits integer NOT NULL CHECK (credits >= 0),
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE credit_ledger (
        id bigserial PRIMARY KEY,
        key_id uuid NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
        delta integer NOT NULL,
        balance_after integer NOT NULL CHECK (balance_after >= 0),
        reason varchar(200) NOT NULL,
        service varchar(64),
        request_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX credit_ledger_key_id_id ON credit_ledger (key_id, id DESC)`);
    await q.query(`CREATE INDEX api_keys_created_at ON api_keys (created_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE credit_ledger`);
    await q.query(`DROP TABLE api_keys`);
  }
}
