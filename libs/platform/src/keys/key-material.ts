import { createHash, randomBytes } from 'node:crypto';

export const KEY_PREFIX = 'sk_';

export interface KeyMaterial {
  key: string;
  hash: string;
  displayPrefix: string;
}

/** 32 random bytes behind a recognisable prefix; only the SHA-256 is ever stored. */
export function generateKey(): KeyMaterial {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashKey(key), displayPrefix: key.slice(0, 10) };
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
