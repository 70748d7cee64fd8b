// A gateway always has a master key. Without one in the config or LOOPGATE_MASTER_KEY, one is
// generated once and kept in the data dir (0600), so a fresh install is never open to all.
import { randomInt } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const MASTER_KEY_FILE = 'master-key';

export function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)];
  return out;
}

export async function loadOrCreateMasterKey(dataDir: string): Promise<{ key: string; file: string; created: boolean }> {
  const file = join(dataDir, MASTER_KEY_FILE);
  try {
    const key = (await readFile(file, 'utf8')).trim();
    if (key) return { key, file, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = `sk-lg-master-${randomBase62(40)}`;
  // `wx` fails if another process created it first; then its key is the one to use.
  try {
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateMasterKey(dataDir);
    throw error;
  }
  return { key, file, created: true };
}
