// Provider API keys are sealed with AES-256-GCM under a data key. Headless, the data key lives
// in a 0600 file in the data dir; the Electron shell may wrap it with safeStorage instead.
import { createCipheriv, createDecipheriv, randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { readOrCreateSecretFile } from './files.js';

export const DATA_KEY_FILE = 'data-key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Uniform random base62 text from the CSPRNG (randomInt avoids modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)];
  return out;
}

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** How the data key is protected, for the UI to say plainly. */
  readonly protection: 'key-file' | 'os-keychain';
}

export function secretBox(dataKey: Buffer, protection: SecretBox['protection'] = 'key-file'): SecretBox {
  if (dataKey.length !== KEY_BYTES) throw new Error('the data key must be 32 bytes');
  return {
    protection,
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${FORMAT}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed) {
      if (!sealed.startsWith(`${FORMAT}:`)) throw new Error('unknown sealed-secret format');
      const raw = Buffer.from(sealed.slice(FORMAT.length + 1), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', dataKey, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

/** Reads the data key file, creating it (0600) on first use. */
export async function loadOrCreateDataKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, DATA_KEY_FILE);
  const { text } = await readOrCreateSecretFile(file, () => randomBytes(KEY_BYTES).toString('base64'));
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${file} does not hold a 32-byte key`);
  return key;
}
