import { describe, expect, it } from 'vitest';
import { afterMigration, newKey, storeAtVersion } from '../../helpers/store.js';

describe('schema version 1', () => {
  it('gives a blank database the key, provider and daily-spend tables (the request log moved out in version 9), which then take and keep rows', async () => {
    const dir = await storeAtVersion(0);
    await afterMigration(dir, async (store) => {
      const tables = store.database.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((row) => row.name);
      expect(tables).toEqual(expect.arrayContaining(['meta', 'providers', 'spend_daily', 'virtual_keys']));
      // The secret itself is never stored, only its hash.
      const keyColumns = store.database.all<{ name: string }>('PRAGMA table_info(virtual_keys)').map((c) => c.name);
      expect(keyColumns).toEqual(expect.arrayContaining(['id', 'key_hash', 'version', 'spend', 'total_tokens', 'blocked', 'expires_at']));
      expect(keyColumns).not.toContain('key');

      // A new key starts from version 1's defaults: version 1, counters at zero.
      const key = await store.keys.create(newKey({ keyAlias: 'first' }));
      expect(key).toMatchObject({ keyAlias: 'first', version: 1, spend: 0, totalSpend: 0, totalRequests: 0, totalTokens: 0, lastUsedAt: null, blocked: false });
      await store.usage.recordBatch({
        daily: [
          {
            day: '2026-01-01',
            keyId: key.id,
            model: 'gpt-4o',
            requests: 1,
            promptTokens: 1,
            completionTokens: 2,
            totalTokens: 3,
            cost: 0.25,
            cacheReadTokens: 0,
            cacheWriteTokens: 0,
            reasoningTokens: 0,
            cacheSavings: 0,
            failures: 0,
          },
        ],
        keys: [{ keyId: key.id, requests: 1, tokens: 3, cost: 0.25, lastUsedAt: 9 }],
      });
      expect(await store.usage.dailySpend({ keyId: key.id })).toEqual([
        expect.objectContaining({ day: '2026-01-01', totalTokens: 3, cost: 0.25, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, cacheSavings: 0 }),
      ]);
      expect(await store.keys.findById(key.id)).toMatchObject({ totalRequests: 1, spend: 0.25, lastUsedAt: 9, version: 1 });
    });
  });
});
