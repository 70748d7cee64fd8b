// Builds data dirs for the history benchmark quickly: 10,000 virtual keys and the daily totals of
// 1,000,000 requests over the last 28 days, with those requests' request-log rows or without
// them (an empty log: the same key store, so a comparison isolates the log).
// Run alone: `npx tsx tests/bench/big-data-dir.ts [dir]` prints the dir it filled.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { MemoryLogger } from '../../electron/core/logger.js';
import { openStore } from '../../electron/store/index.js';
import type { RequestLogEntry } from '../../electron/store/request-log.js';
import { emptyDay, type DailySpendIncrement } from '../../electron/store/usage.js';
import { utcDay } from '../../electron/core/utc-day.js';
import { tempDir } from '../helpers/cli.js';
import { logRow, newKey } from '../helpers/store.js';

const DAY = 86_400_000;
const BATCH = 20_000;
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'gemini-flash', 'llama-local'];

export interface BigDataDir {
  dir: string;
  keys: number;
  logRows: number;
}

/** `keys` virtual keys and `requests` requests spread evenly over the last 28 days; `withLog`: their log rows too. */
export async function buildDataDir(options: { keys: number; requests: number; withLog: boolean; dir?: string }): Promise<BigDataDir> {
  const dir = options.dir ?? tempDir('loopgate-big-');
  await mkdir(dir, { recursive: true });
  const store = await openStore(dir, new MemoryLogger());
  try {
    // Concurrent creates share fsyncs (the journal's group commit).
    const keyIds: string[] = [];
    for (let start = 0; start < options.keys; start += 1_000) {
      const batch = Array.from({ length: Math.min(1_000, options.keys - start) }, (_, i) => newKey({ keyAlias: `bench-${start + i}`, createdBy: null }));
      keyIds.push(...batch.map((key) => key.id));
      await Promise.all(batch.map((key) => store.keys.create(key)));
    }
    const now = Date.now();
    const step = (28 * DAY) / Math.max(1, options.requests);
    for (let start = 0; start < options.requests; start += BATCH) {
      const rows: RequestLogEntry[] = [];
      const daily = new Map<string, DailySpendIncrement>();
      for (let i = start; i < Math.min(start + BATCH, options.requests); i++) {
        const time = Math.floor(now - 28 * DAY + i * step);
        const keyId = keyIds.length > 0 && i % 10 !== 0 ? keyIds[i % keyIds.length]! : null;
        const model = MODELS[i % MODELS.length]!;
        const failed = i % 50 === 0;
        rows.push(
          logRow({
            id: randomUUID(),
            time,
            keyId,
            model,
            deployment: `${model}#0`,
            status: failed ? 502 : 200,
            latencyMs: 200 + (i % 700),
            promptTokens: 120,
            completionTokens: 80,
            totalTokens: 200,
            cost: 0.0004,
            errorCode: failed ? 'upstream' : null,
            errorMessage: failed ? '502: bad gateway' : null,
          }),
        );
        const dayKey = `${utcDay(time)}\u0000${keyId ?? ''}\u0000${model}`;
        const total = daily.get(dayKey) ?? emptyDay(utcDay(time), keyId ?? '', model);
        total.requests++;
        total.promptTokens += 120;
        total.completionTokens += 80;
        total.totalTokens += 200;
        total.cost += 0.0004;
        daily.set(dayKey, total);
      }
      if (options.withLog) await store.requestLog.append(rows);
      await store.usage.recordBatch({ daily: [...daily.values()], keys: [] });
    }
  } finally {
    await store.close();
  }
  return { dir, keys: options.keys, logRows: options.withLog ? options.requests : 0 };
}

if (process.argv[1]?.endsWith('big-data-dir.ts')) {
  const started = Date.now();
  const built = await buildDataDir({ keys: 10_000, requests: 1_000_000, withLog: true, ...(process.argv[2] ? { dir: process.argv[2] } : {}) });
  console.log(`${built.dir}: ${built.keys} keys, ${built.logRows} log rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
