// Virtual key secrets: minted here, stored only as a SHA-256 hash, shown to the person once.
import { createHash } from 'node:crypto';
import { randomBase62 } from '../store/secrets.js';

export const KEY_PREFIX = 'sk-lg-';
const SECRET_LENGTH = 40;
const DISPLAY_CHARS = 4;

export interface MintedSecret {
  secret: string;
  keyHash: string;
  keyPrefix: string;
}

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function mintSecret(): MintedSecret {
  const secret = `${KEY_PREFIX}${randomBase62(SECRET_LENGTH)}`;
  return { secret, keyHash: hashKey(secret), keyPrefix: secret.slice(0, KEY_PREFIX.length + DISPLAY_CHARS) };
}
