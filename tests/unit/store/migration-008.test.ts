import { describe, expect, it } from 'vitest';
import { afterMigration, logRow, storeAtVersion } from '../../helpers/store.js';

describe('schema version 8', () => {
  it('keeps version-7 log rows (call type unknown, not a cache hit) and records both from then on', async () => {
    const dir = await storeAtVersion(7, (db) => {
      db.run(`INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, prompt_tokens, completion_tokens, total_tokens, cost, attempt_count)
              VALUES ('old', 1000, NULL, 'gpt', 'gpt#0', 200, 5, 1, 2, 3, 0.25, 1)`);
    });
    await afterMigration(dir, async (store) => {
      expect(await store.requestLog.get('old')).toMatchObject({ model: 'gpt', totalTokens: 3, cost: 0.25, callType: null, cacheHit: false });
      await store.requestLog.append([logRow({ id: 'new', callType: 'responses', cacheHit: true })]);
      expect(await store.requestLog.get('new')).toMatchObject({ callType: 'responses', cacheHit: true });
    });
  });
});
