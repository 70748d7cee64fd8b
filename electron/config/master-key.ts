// A gateway always has a master key. Without one in the config or LOOPGATE_MASTER_KEY, one is
// generated once and kept in the data dir (0600), so a fresh install is never open to all.
import { join } from 'node:path';
import { readOrCreateSecretFile } from '../store/files.js';
import { randomBase62 } from '../store/secrets.js';

export const MASTER_KEY_FILE = 'master-key';

export async function loadOrCreateMasterKey(dataDir: string): Promise<{ key: string; file: string; created: boolean }> {
  const file = join(dataDir, MASTER_KEY_FILE);
  const { text, created } = await readOrCreateSecretFile(file, () => `sk-lg-master-${randomBase62(40)}`);
  return { key: text, file, created };
}
