// Fresh stores in temp dirs, and key fixtures, for store tests.
import { createHash } from 'node:crypto';
import { MemoryLogger } from '../../electron/core/logger.js';
import { openStore, type Store } from '../../electron/store/index.js';
import { emptySettings, type NewKey } from '../../electron/store/keys.js';
import { randomBase62 } from '../../electron/store/secrets.js';
import { tempDir } from './cli.js';

export async function freshStore(dir = tempDir('loopgate-store-')): Promise<{ store: Store; dir: string; logger: MemoryLogger }> {
  const logger = new MemoryLogger();
  return { store: await openStore(dir, logger), dir, logger };
}

let clock = 1_800_000_000_000;

export function newKey(overrides: Partial<NewKey> = {}): NewKey {
  const secret = `sk-lg-${randomBase62(40)}`;
  return {
    id: `key_${randomBase62(12)}`,
    keyHash: createHash('sha256').update(secret).digest('hex'),
    keyPrefix: secret.slice(0, 10),
    createdAt: clock++,
    ...emptySettings(),
    ...overrides,
  };
}
