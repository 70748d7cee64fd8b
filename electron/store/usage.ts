// Usage aggregates in the key store: daily totals per key and model (the charts) and the keys'
// counters. They arrive in batches from the gateway's accounting; the request log itself lives
// in its own store (request-log.ts), and these totals outlive its retention.
import { defineTable, number, text, Where } from './columns.js';
import { applyKeyUsage, type KeyUsageIncrement } from './keys.js';
import type { SqlConnection } from './sql.js';

export interface DailySpendIncrement {
  day: string;
  keyId: string;
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cost: number;
  /** Parts of promptTokens / completionTokens, and the USD prompt caching saved. */
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  cacheSavings: number;
  /** Requests that failed (status 400 and up; one the client stopped is not a failure). */
  failures: number;
}

/** A day's row for one key and model with nothing counted yet: what increments add to. */
export function emptyDay(day: string, keyId: string, model: string): DailySpendIncrement {
  return { day, keyId, model, requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, cacheSavings: 0, failures: 0 };
}

export interface UsageBatch {
  daily: DailySpendIncrement[];
  keys: KeyUsageIncrement[];
}

/** Every model and key (null: the master key) with usage on or after a day. */
export interface LogFacetRows {
  models: string[];
  keyIds: Array<string | null>;
}

/** A day's totals for one key and model (the same shape an increment has). */
export type DailySpend = DailySpendIncrement;

export const SPEND_DAILY = defineTable<DailySpend>('spend_daily', {
  day: text('day'), // UTC date, YYYY-MM-DD
  keyId: text('key_id'), // '' for the master key
  model: text('model'),
  requests: number('requests'),
  promptTokens: number('prompt_tokens'),
  completionTokens: number('completion_tokens'),
  totalTokens: number('total_tokens'),
  cost: number('cost'),
  cacheReadTokens: number('cache_read_tokens'),
  cacheWriteTokens: number('cache_write_tokens'),
  reasoningTokens: number('reasoning_tokens'),
  cacheSavings: number('cache_savings'),
  failures: number('failures'),
});

/** spend_daily's primary key; every other column is a counter that an increment adds to. */
const DAY_KEY = ['day', 'key_id', 'model'];
/** Adds an increment to its day row (PostgreSQL wants the row's own columns named with the table). */
const ADD_TO_DAY = `ON CONFLICT (${DAY_KEY.join(', ')}) DO UPDATE SET ${Object.values(SPEND_DAILY.columns)
  .map((column) => column.name)
  .filter((name) => !DAY_KEY.includes(name))
  .map((name) => `${name} = spend_daily.${name} + excluded.${name}`)
  .join(', ')}`;

/** Any one total order will do, as long as every instance uses it (no deadlock): code-unit order of the key. */
function dayOrder(a: DailySpend, b: DailySpend): number {
  const left = [a.day, a.keyId, a.model].join('\0');
  const right = [b.day, b.keyId, b.model].join('\0');
  return left < right ? -1 : left > right ? 1 : 0;
}

export interface UsageRepository {
  /** One durable write for everything the gateway accumulated since the last flush. */
  recordBatch(batch: UsageBatch): Promise<void>;
  /** The request log's filters: every model and key with usage since `fromDay` (spend_daily outlives the log). */
  logFacets(fromDay: string): Promise<LogFacetRows>;
  dailySpend(filter: { keyId?: string; fromDay?: string; toDay?: string }): Promise<DailySpend[]>;
}

/** The log's model filter lists this many models at most, the busiest: names come from clients, and a flood of them must not make the list huge. */
const MAX_FACET_MODELS = 200;
const FACET_MODELS_SQL = `SELECT model FROM spend_daily WHERE day >= ? GROUP BY model ORDER BY SUM(requests) DESC, model LIMIT ${MAX_FACET_MODELS}`;

function byName(rows: ReadonlyArray<{ model: string }>): string[] {
  return rows.map((row) => row.model).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export class SqlUsageRepository implements UsageRepository {
  constructor(private readonly db: SqlConnection) {}

  async recordBatch(batch: UsageBatch): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Atomic increments, one statement each (a multi-row upsert may not touch one day row twice):
      // concurrent batches for the same day add up, never overwrite.
      await SPEND_DAILY.insertEach(tx, [...batch.daily].sort(dayOrder), ADD_TO_DAY);
      await applyKeyUsage(tx, this.db.dialect, batch.keys);
    });
  }

  async logFacets(fromDay: string): Promise<LogFacetRows> {
    const models = await this.db.all<{ model: string }>(FACET_MODELS_SQL, [fromDay]);
    const keys = await this.db.all<{ key_id: string }>('SELECT DISTINCT key_id FROM spend_daily WHERE day >= ? ORDER BY key_id', [fromDay]);
    return { models: byName(models), keyIds: keys.map((row) => (row.key_id === '' ? null : row.key_id)) };
  }

  dailySpend(filter: { keyId?: string; fromDay?: string; toDay?: string }): Promise<DailySpend[]> {
    const where = new Where()
      .when(filter.keyId, 'key_id = ?')
      .when(filter.fromDay || undefined, 'day >= ?')
      .when(filter.toDay || undefined, 'day <= ?');
    return SPEND_DAILY.all(this.db, `${where.sql} ORDER BY day, key_id, model`, where.params);
  }
}
