// Benchmark: a key write (create, revoke) on a key store holding 100,000 daily usage totals
// (what months of traffic over many keys and models leave in it; request-log rows live outside
// it) costs about what it costs on an empty store, because a write appends only its own change
// to the journal. Both stores are measured side by side, interleaved, in one run; the result is a
// ratio, not a wall-clock threshold.
import { performance } from 'node:perf_hooks';
import type { SqlJsStore } from '../../electron/store/index.js';
import type { DailySpendIncrement } from '../../electron/store/usage.js';
import { freshStore, newKey } from '../helpers/store.js';
import { middle } from './stats.js';

const DAILY_ROWS = 100_000;
const ROUNDS = 200;
const DAY_MS = 86_400_000;

/** Row i: one of 1,000 keys on one of 100 days. */
function dailyRow(i: number): DailySpendIncrement {
  const day = new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 1_000) * DAY_MS).toISOString().slice(0, 10);
  return {
    day,
    keyId: `key_${i % 1_000}`,
    model: 'gpt-4o-mini',
    requests: 10,
    promptTokens: 1_000,
    completionTokens: 500,
    totalTokens: 1_500,
    cost: 0.01,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    cacheSavings: 0,
    failures: 0,
  };
}

async function fill(store: SqlJsStore): Promise<void> {
  for (let start = 0; start < DAILY_ROWS; start += 5_000) {
    await store.usage.recordBatch({ daily: Array.from({ length: 5_000 }, (_, i) => dailyRow(start + i)), keys: [] });
  }
  // Start both measurements from a compacted journal, as a running gateway periodically is.
  await store.database.snapshot();
}

export interface StoreWriteResult {
  emptyCreateMs: number;
  fullCreateMs: number;
  emptyRevokeMs: number;
  fullRevokeMs: number;
  createRatio: number;
  revokeRatio: number;
}

export async function benchStoreWrites(): Promise<StoreWriteResult> {
  const empty = (await freshStore()).store;
  const full = (await freshStore()).store;
  await fill(full);
  await empty.database.snapshot();
  const samples = { emptyCreate: [] as number[], fullCreate: [] as number[], emptyRevoke: [] as number[], fullRevoke: [] as number[] };
  const time = async (work: () => Promise<unknown>): Promise<number> => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which store goes first so neither gets a systematic advantage.
    const order: Array<[SqlJsStore, 'empty' | 'full']> =
      round % 2
        ? [
            [empty, 'empty'],
            [full, 'full'],
          ]
        : [
            [full, 'full'],
            [empty, 'empty'],
          ];
    for (const [store, name] of order) {
      const input = newKey();
      samples[`${name}Create`].push(await time(() => store.keys.create(input)));
      samples[`${name}Revoke`].push(await time(() => store.keys.setActive(input.id, false)));
    }
  }
  if ((await full.usage.dailySpend({})).length !== DAILY_ROWS) throw new Error('the full store lost rows');
  await empty.close();
  await full.close();
  const result = {
    emptyCreateMs: middle(samples.emptyCreate),
    fullCreateMs: middle(samples.fullCreate),
    emptyRevokeMs: middle(samples.emptyRevoke),
    fullRevokeMs: middle(samples.fullRevoke),
  };
  return {
    ...result,
    createRatio: result.fullCreateMs / result.emptyCreateMs,
    revokeRatio: result.fullRevokeMs / result.emptyRevokeMs,
  };
}
