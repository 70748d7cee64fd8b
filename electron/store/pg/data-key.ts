// The data key of a server store. Every instance on one database must seal and open provider
// secrets with the same key: LOOPGATE_DATA_KEY (base64 of 32 bytes, e.g. from a secret manager)
// when set, else the 0600 key file in the data dir (created on first use, then copied to the
// other instances). The database keeps a sealed check value, so an instance with another key
// is refused at start instead of failing later on every upstream call.
import type { Logger } from '../../core/logger.js';
import { loadDataKey, type SecretBox } from '../secrets.js';
import type { PgDatabase } from './database.js';

const DATA_KEY_ENV = 'LOOPGATE_DATA_KEY';
const CHECK_TEXT = 'loopgate data key check';

class DataKeyMismatchError extends Error {
  readonly code = 'EDATAKEYMISMATCH';
}

/** The server's data key: the environment's, else the data dir's key file. */
export async function loadServerDataKey(dataDir: string, env: Record<string, string | undefined>): Promise<{ key: Buffer; source: string }> {
  const fromEnv = env[DATA_KEY_ENV]?.trim();
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new Error(`${DATA_KEY_ENV} must be 32 bytes in base64 (e.g. \`openssl rand -base64 32\`), got ${key.length} bytes`);
    return { key, source: DATA_KEY_ENV };
  }
  const { key } = await loadDataKey(dataDir, null);
  return { key, source: `the key file in ${dataDir}` };
}

/** Records the check value on first use; refuses a key that does not open the recorded one. */
export async function checkDataKey(db: PgDatabase, box: SecretBox, source: string, logger: Logger): Promise<void> {
  await db.run("INSERT INTO meta (key, value) VALUES ('data_key_check', ?) ON CONFLICT (key) DO NOTHING", [box.seal(CHECK_TEXT)]);
  const sealed = (await db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'data_key_check'"))!.value;
  let opened: string | null;
  try {
    opened = box.open(sealed);
  } catch {
    opened = null; // GCM refuses a ciphertext sealed under another key
  }
  if (opened !== CHECK_TEXT) {
    throw new DataKeyMismatchError(
      `the data key from ${source} is not the one this database's provider credentials are sealed with; ` + `give every instance the same key (${DATA_KEY_ENV}, or the same data-key file in each data dir)`,
    );
  }
  logger.log('info', `Provider credentials are sealed under the data key from ${source}.`);
}
