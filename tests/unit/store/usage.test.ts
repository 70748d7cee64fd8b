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

  it('reads the log newest first through a (time, id) cursor, filtered by key, model and status, with its facets', async () => {
    const { store } = await kind.open();
    const rows = [
      logRow({ id: 'a', time: 100, keyId: 'key_a', model: 'gpt-4o' }),
      logRow({ id: 'b', time: 200, keyId: null, model: 'claude', status: 500 }),
      logRow({ id: 'c', time: 200, keyId: 'key_b', model: 'gpt-4o', status: 429 }),
      logRow({ id: 'd', time: 300, keyId: 'key_a', model: 'claude', attempts: [{ number: 1 } as never], errorCode: 'upstream', errorMessage: 'boom' }),
    ];
    await store.usage.recordBatch({ log: rows.slice(0, 2), daily: [], keys: [] });
    await store.usage.recordBatch({ log: rows.slice(2), daily: [], keys: [] });
    const ids = async (query: Parameters<typeof store.usage.spendLogs>[0]) => (await store.usage.spendLogs(query)).map((row) => row.id);
    expect(await ids({ limit: 10 })).toEqual(['d', 'c', 'b', 'a']);
    expect(await ids({ limit: 2 })).toEqual(['d', 'c']);
    expect(await ids({ limit: 2, before: { time: 200, id: 'c' } })).toEqual(['b', 'a']);
    expect(await ids({ limit: 10, keyId: 'key_a' })).toEqual(['d', 'a']);
    expect(await ids({ limit: 10, keyId: '' })).toEqual(['b']);
    expect(await ids({ limit: 10, model: 'claude', status: 'error' })).toEqual(['b']);
    expect(await ids({ limit: 10, status: 'ok', start: 150, end: 301 })).toEqual(['d']);
    expect(await store.usage.logEntry('d')).toEqual(rows[3]);
    expect(await store.usage.logEntry('missing')).toBeNull();
    expect(await store.usage.logFacets()).toEqual({ models: ['claude', 'gpt-4o'], keyIds: [null, 'key_a', 'key_b'] });
  });
});
