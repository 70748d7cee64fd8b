// Virtual key secrets: minted here, stored only as a SHA-256 hash, shown to the person once.
import { createHash } from 'node:crypto';
import type { StoredKey } from '../store/keys.js';
import { randomBase62 } from '../store/secrets.js';

const KEY_PREFIX = 'sk-lg-';
const SECRET_LENGTH = 40;
const DISPLAY_CHARS = 4;

/** The secret, to show once, and what the store keeps of it. */
export type MintedSecret = Pick<StoredKey, 'keyHash' | 'keyPrefix'> & { secret: string };

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function mintSecret(): MintedSecret {
  return ownedSecret(`${KEY_PREFIX}${randomBase62(SECRET_LENGTH)}`);
}

/** A secret chosen elsewhere (LiteLLM's `key` on /key/generate), kept the same way as a minted one. */
export function ownedSecret(secret: string): MintedSecret {
  const prefix = secret.startsWith(KEY_PREFIX) ? KEY_PREFIX.length : 'sk-'.length;
  return { secret, keyHash: hashKey(secret), keyPrefix: secret.slice(0, prefix + DISPLAY_CHARS) };
}
