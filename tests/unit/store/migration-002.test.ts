import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { migration001 } from '../../../electron/store/migrations/001_initial.js';
import { tempDir } from '../../helpers/cli.js';
import { freshStore } from '../../helpers/store.js';

describe('schema version 2', () => {
  it('adds per-key aliases to a version-1 store, keeping its keys', async () => {
    // A store as version 1 left it: the first migration only, one key in it.
    const SQL = await initSqlJs({ locateFile: () => createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm') });
    const v1 = new SQL.Database();
    v1.exec(migration001.sql);
    v1.exec('PRAGMA user_version = 1');
    v1.run("INSERT INTO virtual_keys (id, key_hash, key_prefix, created_at, updated_at) VALUES ('key_old', 'hash', 'sk-lg-abcd', 1, 1)");
    const dir = tempDir();
    await writeFile(join(dir, 'store.sqlite'), v1.export());

    const { store } = await freshStore(dir);
    try {
      expect(store.database.get<{ user_version: number }>('PRAGMA user_version')?.user_version).toBe(3);
      expect(await store.keys.findById('key_old')).toMatchObject({ id: 'key_old', aliases: {}, version: 1 });
      const updated = await store.keys.update('key_old', { ...(await store.keys.findById('key_old'))!, aliases: { 'gpt-4': 'gpt-4o' } }, 1);
      expect(updated.aliases).toEqual({ 'gpt-4': 'gpt-4o' });
    } finally {
      await store.close();
    }
  });
});
