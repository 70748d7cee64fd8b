import { describe, expect, it } from 'vitest';
import { afterMigration, logRow, storeAtVersion } from '../../helpers/store.js';

describe('schema version 13', () => {
  it('keeps version-12 daily totals (no cache or reasoning tokens, nothing saved) and adds the parts up from then on', async () => {
    const dir = await storeAtVersion(12, (db) => {
      db.run(`INSERT INTO spend_daily (day, key_id, model, requests, prompt_tokens, completion_tokens, total_tokens, cost) VALUES ('2026-12-01', '', 'sonnet', 2, 100, 20, 120, 0.5)`);
    });
    await afterMigration(dir, async (store) => {
      expect(await store.usage.dailySpend({})).toEqual([expect.objectContaining({ day: '2026-12-01', requests: 2, cost: 0.5, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, cacheSavings: 0 })]);
      const parts = { cacheReadTokens: 50, cacheWriteTokens: 5, reasoningTokens: 7, cacheSavings: 0.25 };
      await store.usage.recordBatch({ daily: [{ day: '2026-12-01', keyId: '', model: 'sonnet', requests: 1, promptTokens: 60, completionTokens: 10, totalTokens: 70, cost: 0.1, ...parts, failures: 0 }], keys: [] });
      expect(await store.usage.dailySpend({})).toEqual([expect.objectContaining({ requests: 3, cacheReadTokens: 50, cacheWriteTokens: 5, reasoningTokens: 7, cacheSavings: 0.25 })]);
      await store.requestLog.append([logRow({ id: 'new', tokenParts: parts })]);
      expect(await store.requestLog.get('new')).toMatchObject({ tokenParts: parts });
    });
  });
});
