import { describe, expect, it } from 'vitest';
import { freshStore } from '../../helpers/store.js';

describe('schema version 1', () => {
  it('creates the key, provider, request-log and daily-spend tables on a new store (now at the latest version)', async () => {
    const { store } = await freshStore();
    try {
      expect(store.database.get<{ user_version: number }>('PRAGMA user_version')?.user_version).toBe(3);
      const tables = store.database
        .all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .map((row) => row.name);
      expect(tables).toEqual(expect.arrayContaining(['meta', 'providers', 'request_log', 'spend_daily', 'virtual_keys']));
      const keyColumns = store.database.all<{ name: string }>('PRAGMA table_info(virtual_keys)').map((c) => c.name);
      expect(keyColumns).toEqual(expect.arrayContaining(['id', 'key_hash', 'version', 'spend', 'total_tokens', 'blocked', 'expires_at']));
      expect(keyColumns).not.toContain('key');
    } finally {
      await store.close();
    }
  });
});
