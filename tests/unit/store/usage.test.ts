import { describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../../electron/store/usage.js';
import { logRow } from '../../helpers/store.js';
import { STORE_KINDS } from '../../helpers/stores.js';

const DAY = 86_400_000;

function entry(id: string, time: number): RequestLogEntry {
  return logRow({ id, time, keyId: 'key_a' });
}

describe.each(STORE_KINDS)('request log and daily spend ($name)', (kind) => {
  it('adds daily spend up with atomic increments and keeps it when old log rows are pruned', async () => {
    const { store } = await kind.open();
    const now = Date.UTC(2026, 10, 28, 12);
    const daily = (day: string) => ({ day, keyId: 'key_a', model: 'gpt-4o', requests: 1, promptTokens: 3, completionTokens: 4, totalTokens: 7, cost: 0.5 });
    await Promise.all([
      store.usage.recordBatch({ log: [entry('old', now - 40 * DAY)], daily: [daily('2026-10-19')], keys: [] }),
      store.usage.recordBatch({ log: [entry('new1', now)], daily: [daily('2026-11-28')], keys: [] }),
      store.usage.recordBatch({ log: [entry('new2', now)], daily: [daily('2026-11-28')], keys: [] }),
    ]);
    expect(await store.usage.pruneLog(now - 30 * DAY)).toBe(1);
    expect((await store.usage.spendLogs({ limit: 10 })).map((row) => row.id).sort()).toEqual(['new1', 'new2']);
    expect(await store.usage.dailySpend({ keyId: 'key_a' })).toEqual([
      expect.objectContaining({ day: '2026-10-19', requests: 1, cost: 0.5 }),
      expect.objectContaining({ day: '2026-11-28', requests: 2, totalTokens: 14, cost: 1 }),
    ]);
    await store.close();
  });
});
