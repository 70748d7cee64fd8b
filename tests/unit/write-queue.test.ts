import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../electron/core/logger.js';
import { StoreWriteQueue } from '../../electron/gateway/accounting/write-queue.js';
import type { Store } from '../../electron/store/store.js';
import type { UsageBatch } from '../../electron/store/usage.js';
import { logRow } from '../helpers/store.js';

/** A store whose writes fail while `down` is set, and which remembers what it was given. */
function flakyStore() {
  const state = { down: true, batches: [] as UsageBatch[], rows: [] as string[] };
  const fail = () => Promise.reject(new Error('connect ECONNREFUSED'));
  const store = {
    usage: { recordBatch: (batch: UsageBatch) => (state.down ? fail() : (state.batches.push(batch), Promise.resolve())) },
    requestLog: { append: (rows: Array<{ id: string }>) => (state.down ? fail() : (state.rows.push(...rows.map((row) => row.id)), Promise.resolve())) },
  } as unknown as Store;
  return { store, state };
}

describe('store writes during a database outage', () => {
  it('merges usage, bounds the log rows dropping the oldest with a counted warning, and drains when the store is back', async () => {
    const { store, state } = flakyStore();
    const logger = new MemoryLogger();
    const queue = new StoreWriteQueue(store, logger, 3);
    const usage = (cost: number): UsageBatch => ({
      daily: [
        {
          day: '2026-11-28',
          keyId: 'k',
          model: 'm',
          requests: 1,
          promptTokens: 1,
          completionTokens: 1,
          totalTokens: 2,
          cost,
          cacheReadTokens: 10,
          cacheWriteTokens: 1,
          reasoningTokens: 3,
          cacheSavings: cost / 10,
          failures: 1,
        },
      ],
      keys: [{ keyId: 'k', requests: 1, tokens: 2, cost, lastUsedAt: cost }],
    });
    await queue.write(usage(1), [logRow({ id: 'r1' }), logRow({ id: 'r2' })]);
    expect(queue.available).toBe(false);
    await queue.write(usage(2), [logRow({ id: 'r3' }), logRow({ id: 'r4' })]);
    expect(queue.queuedRows).toBe(3);
    expect(logger.records.some((record) => String(record.msg).includes('dropped the 1 oldest rows'))).toBe(true);
    state.down = false;
    await queue.write({ daily: [], keys: [] }, []);
    expect(queue.available).toBe(true);
    expect(state.rows).toEqual(['r2', 'r3', 'r4']);
    expect(state.batches).toEqual([
      {
        daily: [expect.objectContaining({ requests: 2, totalTokens: 4, cost: 3, cacheReadTokens: 20, cacheWriteTokens: 2, reasoningTokens: 6, cacheSavings: expect.closeTo(0.3), failures: 2 })],
        keys: [{ keyId: 'k', requests: 2, tokens: 4, cost: 3, lastUsedAt: 2 }],
      },
    ]);
  });
});
