import { describe, expect, it } from 'vitest';
import { emptyDay } from '../../../electron/store/usage.js';
import { afterMigration, storeAtVersion } from '../../helpers/store.js';

describe('schema version 18', () => {
  it('keeps version-17 daily totals (no failures counted) and adds failures up from then on', async () => {
    const dir = await storeAtVersion(17, (db) => {
      db.run(`INSERT INTO spend_daily (day, key_id, model, requests, prompt_tokens, completion_tokens, total_tokens, cost) VALUES ('2026-12-01', '', 'sonnet', 5, 100, 20, 120, 0.5)`);
    });
    await afterMigration(dir, async (store) => {
      expect(await store.usage.dailySpend({})).toEqual([expect.objectContaining({ day: '2026-12-01', requests: 5, cost: 0.5, failures: 0 })]);
      await store.usage.recordBatch({ daily: [{ ...emptyDay('2026-12-01', '', 'sonnet'), requests: 3, failures: 2 }], keys: [] });
      await store.usage.recordBatch({ daily: [{ ...emptyDay('2026-12-01', '', 'sonnet'), requests: 1, failures: 1 }], keys: [] });
      expect(await store.usage.dailySpend({})).toEqual([expect.objectContaining({ requests: 9, failures: 3 })]);
    });
  });
});
