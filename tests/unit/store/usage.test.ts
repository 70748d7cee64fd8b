import { describe, expect, it } from 'vitest';
import { expectEveryMethodRan, STORE_KINDS } from '../../helpers/stores.js';
import { emptyDay } from '../../../electron/store/usage.js';

describe.each(STORE_KINDS)('daily spend ($name)', (kind) => {
  it('adds daily spend up with atomic increments, and names every model and key since a day for the log filters', async () => {
    const { store } = await kind.open();
    const daily = (day: string, keyId: string, model = 'gpt-4o') => ({
      day,
      keyId,
      model,
      requests: 1,
      promptTokens: 3,
      completionTokens: 4,
      totalTokens: 7,
      cost: 0.5,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      cacheSavings: 0,
      failures: 0,
    });
    await Promise.all([
      store.usage.recordBatch({ daily: [daily('2026-10-19', 'key_a', 'old-model')], keys: [] }),
      store.usage.recordBatch({ daily: [daily('2026-11-28', 'key_a')], keys: [] }),
      store.usage.recordBatch({ daily: [daily('2026-11-28', 'key_a'), daily('2026-11-28', '', 'claude')], keys: [] }),
    ]);
    expect(await store.usage.dailySpend({ keyId: 'key_a' })).toEqual([
      expect.objectContaining({ day: '2026-10-19', requests: 1, cost: 0.5 }),
      expect.objectContaining({ day: '2026-11-28', requests: 2, totalTokens: 14, cost: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, cacheSavings: 0 }),
    ]);
    expect(await store.usage.logFacets('2026-11-01')).toEqual({ models: ['claude', 'gpt-4o'], keyIds: [null, 'key_a'] });
  });

  it('reads daily spend by key and between days, in day, key and model order', async () => {
    const { store } = await kind.open();
    const daily = (day: string, keyId: string, model: string, cost: number) => ({ ...emptyDay(day, keyId, model), requests: 1, promptTokens: 1, completionTokens: 1, totalTokens: 2, cost });
    await store.usage.recordBatch({
      daily: [daily('2026-11-02', 'key_b', 'm', 1), daily('2026-11-01', 'key_a', 'z', 2), daily('2026-11-01', 'key_a', 'a', 3), daily('2026-11-03', '', 'm', 4)],
      keys: [],
    });
    const rows = (filter: { keyId?: string; fromDay?: string; toDay?: string }) => store.usage.dailySpend(filter).then((list) => list.map((row) => `${row.day} ${row.keyId} ${row.model}`));
    expect(await rows({})).toEqual(['2026-11-01 key_a a', '2026-11-01 key_a z', '2026-11-02 key_b m', '2026-11-03  m']);
    expect(await rows({ fromDay: '2026-11-02', toDay: '2026-11-02' })).toEqual(['2026-11-02 key_b m']);
    expect(await rows({ keyId: '' })).toEqual(['2026-11-03  m']);
    expect(await rows({ keyId: 'key_a', fromDay: '', toDay: '' })).toEqual(['2026-11-01 key_a a', '2026-11-01 key_a z']);
    expect(await store.usage.logFacets('2026-12-01')).toEqual({ models: [], keyIds: [] });
  });

  it('the log filter names the busiest 200 models at most, however many names clients sent', async () => {
    const { store } = await kind.open();
    const daily = (model: string, requests: number) => ({ ...emptyDay('2026-11-28', 'key_a', model), requests });
    const flood = Array.from({ length: 1_000 }, (_, i) => daily(`junk-${String(i).padStart(4, '0')}`, 1));
    await store.usage.recordBatch({ daily: [...flood, daily('gpt-4o', 50), daily('claude', 20)], keys: [] });
    const { models } = await store.usage.logFacets('2026-11-01');
    expect(models).toHaveLength(200);
    expect(models.slice(0, 2)).toEqual(['claude', 'gpt-4o']);
  });
});

describe('the usage repository suite', () => {
  it('runs every UsageRepository method on both stores', () => expectEveryMethodRan('usage'));
});
