// Provider API keys are sealed with AES-256-GCM under a data key. Headless, the data key lives
// in a 0600 file in the data dir; the Electron shell may wrap it with safeStorage instead.
import { createCipheriv, createDecipheriv, randomBytes, randomInt } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readOrCreateSecretFile, syncDirectory, writeFileAtomic } from './files.js';

export const DATA_KEY_FILE = 'data-key';
/** The data key wrapped by the OS keychain (Electron's safeStorage); only the app can open it. */
export const WRAPPED_DATA_KEY_FILE = 'data-key.wrapped';

/** What the desktop app offers when the OS has a real keychain backend (shell/data-key.ts). */
export interface DataKeyWrapper {
  wrap(key: Buffer): Promise<Buffer>;
  unwrap(wrapped: Buffer): Promise<Buffer>;
}

/** The data dir's key is wrapped, and this process (plain Node) has no keychain to open it. */
export class DataKeyWrappedError extends Error {
  readonly code = 'EDATAKEYWRAPPED';
  constructor(readonly dir: string) {
    super(
      `the data key in ${dir} is protected by the OS keychain through the Loopgate app, which headless Loopgate cannot open. ` +
        `Start the app instead, or export the key once with the app's executable (\`loopgate export-key\`, ` +
        `e.g. /Applications/Loopgate.app/Contents/MacOS/Loopgate export-key) and run this again`,
    );
  }
}
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
  /** Whether `text` is in the sealed form (a value written before it was sealed is not). */
  isSealed(text: string): boolean;
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
    isSealed(text) {
      return text.startsWith(`${FORMAT}:`);
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

async function readIfPresent(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The data key and how it is protected. With a wrapper (the app, a real OS keychain): the
 * wrapped file, created or migrated from a key file; a key file exported on purpose (both
 * present) is used as it is. Without one: the 0600 key file, or a clear refusal if only the
 * wrapped key exists.
 */
export async function loadDataKey(dataDir: string, wrapper: DataKeyWrapper | null): Promise<{ key: Buffer; protection: SecretBox['protection'] }> {
  const wrappedFile = join(dataDir, WRAPPED_DATA_KEY_FILE);
  const plainFile = join(dataDir, DATA_KEY_FILE);
  const wrapped = await readIfPresent(wrappedFile);
  const plain = await readIfPresent(plainFile);
  if (plain && wrapper && !wrapped && (await wrapKeyFile(dataDir, wrapper))) {
    return { key: checkedKey(await wrapper.unwrap(await readFile(wrappedFile)), wrappedFile), protection: 'os-keychain' };
  }
  if (plain) return { key: await loadOrCreateDataKey(dataDir), protection: 'key-file' };
  if (wrapped && !wrapper) throw new DataKeyWrappedError(dataDir);
  if (wrapped && wrapper) return { key: checkedKey(await wrapper.unwrap(wrapped), wrappedFile), protection: 'os-keychain' };
  if (!wrapper) return { key: await loadOrCreateDataKey(dataDir), protection: 'key-file' };
  const key = randomBytes(KEY_BYTES);
  await writeFileAtomic(wrappedFile, await wrapper.wrap(key));
  return { key, protection: 'os-keychain' };
}

/** Wraps an existing key file and removes it (the app, once a real keychain is there). */
async function wrapKeyFile(dataDir: string, wrapper: DataKeyWrapper): Promise<boolean> {
  const plainFile = join(dataDir, DATA_KEY_FILE);
  const wrappedFile = join(dataDir, WRAPPED_DATA_KEY_FILE);
  if ((await readIfPresent(wrappedFile)) || !(await readIfPresent(plainFile))) return false;
  const key = await loadOrCreateDataKey(dataDir);
  await writeFileAtomic(wrappedFile, await wrapper.wrap(key));
  // The round trip is checked before the only plain copy goes.
  if (!(await wrapper.unwrap(await readFile(wrappedFile))).equals(key)) {
    await rm(wrappedFile, { force: true });
    throw new Error('the OS keychain did not give the data key back unchanged; it stays in the key file');
  }
  await rm(plainFile);
  await syncDirectory(dataDir);
  return true;
}

/** Writes the wrapped key out as a 0600 key file, for headless use (`loopgate export-key`). */
export async function exportDataKey(dataDir: string, wrapper: DataKeyWrapper): Promise<string> {
  const plainFile = join(dataDir, DATA_KEY_FILE);
  const wrappedFile = join(dataDir, WRAPPED_DATA_KEY_FILE);
  const wrapped = await readIfPresent(wrappedFile);
  if (!wrapped) return plainFile;
  const key = checkedKey(await wrapper.unwrap(wrapped), wrappedFile);
  await writeFileAtomic(plainFile, Buffer.from(`${key.toString('base64')}\n`));
  return plainFile;
}

function checkedKey(key: Buffer, file: string): Buffer {
  if (key.length !== KEY_BYTES) throw new Error(`${file} does not hold a 32-byte key`);
  return key;
}

/** Reads the data key file, creating it (0600) on first use. */
async function loadOrCreateDataKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, DATA_KEY_FILE);
  const { text } = await readOrCreateSecretFile(file, () => randomBytes(KEY_BYTES).toString('base64'));
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${file} does not hold a 32-byte key`);
  return key;
}
