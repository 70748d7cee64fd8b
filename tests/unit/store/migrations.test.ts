import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SNAPSHOT_FILE } from '../../../electron/store/database.js';
import { SCHEMA_VERSION } from '../../../electron/store/migrations/index.js';
import { freshStore, storeAtVersion } from '../../helpers/store.js';

describe('schema migrations', () => {
  it('refuses a store written by a newer Loopgate, leaving its file as it was', async () => {
    const dir = await storeAtVersion(SCHEMA_VERSION, (db) => db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`));
    const before = await readFile(join(dir, SNAPSHOT_FILE));
    await expect(freshStore(dir)).rejects.toThrow(`schema version ${SCHEMA_VERSION + 1}, newer than this Loopgate understands (${SCHEMA_VERSION})`);
    expect((await readFile(join(dir, SNAPSHOT_FILE))).equals(before)).toBe(true);
    // The refusal released the data dir: an older snapshot put back opens again.
    await storeAtVersion(SCHEMA_VERSION, undefined, dir);
    await (await freshStore(dir)).store.close();
  });
});
