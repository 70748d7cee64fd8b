// The request log and daily spend. Rows arrive in batches from the gateway's accounting;
// old log rows are deleted after the retention period, their totals live on in spend_daily.
import type { LogAttemptView } from '../../shared/api.js';
import type { ErrorCode } from '../../shared/errors.js';
import { bool, defineTable, json, number, nullable, text, textOf, Where } from './columns.js';
import type { StoreDatabase } from './database.js';
import { applyKeyUsage, type KeyUsageIncrement } from './keys.js';

export interface RequestLogEntry {
  id: string;
  time: number;
  keyId: string | null;
  model: string | null;
  deployment: string | null;
  status: number;
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cost: number;
  requestBody: string | null;
  responseBody: string | null;
  /** Deployments tried; 0 when the request was refused before any. */
  attemptCount: number;
  /** Kept for failed and retried requests only; null otherwise. */
  attempts: LogAttemptView[] | null;
  errorCode: ErrorCode | null;
  errorMessage: string | null;
  /** The API the client called (its dialect: chat, responses, anthropic, ...); null when none was reached. */
  callType: string | null;
  /** Answered from the response cache. */
  cacheHit: boolean;
}

export interface DailySpendIncrement {
  day: string;
  keyId: string;
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cost: number;
}

export interface UsageBatch {
  log: RequestLogEntry[];
  daily: DailySpendIncrement[];
  keys: KeyUsageIncrement[];
}

export interface SpendLogQuery {
  /** One request by its id (LiteLLM's request_id). */
  id?: string;
  /** '' is the master key. */
  keyId?: string;
  model?: string;
  start?: number;
  end?: number;
  /** ok: below 400; error: 400 and above. */
  status?: 'ok' | 'error';
  /** Rows after this one in the log's order (newest first): older, or as old with a smaller id. */
  before?: { time: number; id: string };
  limit: number;
}

/** Every model and key (null: the master key) with rows in the log. */
export interface LogFacetRows {
  models: string[];
  keyIds: Array<string | null>;
}

/** A day's totals for one key and model (the same shape an increment has). */
export type DailySpend = DailySpendIncrement;

export const REQUEST_LOG = defineTable<RequestLogEntry>('request_log', {
  id: text('id'),
  time: number('time'),
  keyId: nullable(text('key_id')),
  model: nullable(text('model')),
  deployment: nullable(text('deployment')),
  status: number('status'),
  latencyMs: number('latency_ms'),
  promptTokens: number('prompt_tokens'),
  completionTokens: number('completion_tokens'),
  totalTokens: number('total_tokens'),
  cost: number('cost'),
  requestBody: nullable(text('request_body')),
  responseBody: nullable(text('response_body')),
  attemptCount: number('attempt_count'),
  attempts: nullable(json<LogAttemptView[]>('attempts', [])),
  errorCode: nullable(textOf<ErrorCode>('error_code')),
  errorMessage: nullable(text('error_message')),
  callType: nullable(text('call_type')),
  cacheHit: bool('cache_hit'),
});

export const SPEND_DAILY = defineTable<DailySpend>('spend_daily', {
  day: text('day'), // UTC date, YYYY-MM-DD
  keyId: text('key_id'), // '' for the master key
  model: text('model'),
  requests: number('requests'),
  promptTokens: number('prompt_tokens'),
  completionTokens: number('completion_tokens'),
  totalTokens: number('total_tokens'),
  cost: number('cost'),
});

/** spend_daily's primary key; every other column is a counter that an increment adds to. */
export const DAY_KEY = ['day', 'key_id', 'model'];
const ADD_TO_DAY = `ON CONFLICT (${DAY_KEY.join(', ')}) DO UPDATE SET ${Object.values(SPEND_DAILY.columns)
  .map((column) => column.name)
  .filter((name) => !DAY_KEY.includes(name))
  .map((name) => `${name} = ${name} + excluded.${name}`)
  .join(', ')}`;

export interface UsageRepository {
  /** One durable write for everything the gateway accumulated since the last flush. */
  recordBatch(batch: UsageBatch): Promise<void>;
  spendLogs(query: SpendLogQuery): Promise<RequestLogEntry[]>;
  logEntry(id: string): Promise<RequestLogEntry | null>;
  logFacets(): Promise<LogFacetRows>;
  dailySpend(filter: { keyId?: string; fromDay?: string; toDay?: string }): Promise<DailySpend[]>;
  /** Deletes log rows older than `before`; daily totals are kept. Returns rows deleted. */
  pruneLog(before: number): Promise<number>;
}

export function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export class SqlJsUsageRepository implements UsageRepository {
  constructor(private readonly db: StoreDatabase) {}

  async recordBatch(batch: UsageBatch): Promise<void> {
    await this.db.write((tx) => {
      for (const entry of batch.log) REQUEST_LOG.insert(tx, entry);
      // Atomic increments: concurrent batches for the same day add up, never overwrite.
      for (const increment of batch.daily) SPEND_DAILY.insert(tx, increment, ADD_TO_DAY);
      applyKeyUsage(tx, batch.keys);
    });
  }

  async spendLogs(query: SpendLogQuery): Promise<RequestLogEntry[]> {
    const where = new Where()
      .when(query.id, 'id = ?')
      .when(query.keyId || undefined, 'key_id = ?')
      .when(query.model, 'model = ?')
      .when(query.start, 'time >= ?')
      .when(query.end, 'time < ?');
    if (query.keyId === '') where.add('key_id IS NULL');
    if (query.status) where.add(query.status === 'ok' ? 'status < 400' : 'status >= 400');
    if (query.before) where.add('(time < ? OR (time = ? AND id < ?))', query.before.time, query.before.time, query.before.id);
    return REQUEST_LOG.all(this.db, `${where.sql} ORDER BY time DESC, id DESC LIMIT ?`, [...where.params, query.limit]);
  }

  async logEntry(id: string): Promise<RequestLogEntry | null> {
    return REQUEST_LOG.get(this.db, 'WHERE id = ?', [id]) ?? null;
  }

  async logFacets(): Promise<LogFacetRows> {
    const models = this.db.all<{ model: string }>('SELECT DISTINCT model FROM request_log WHERE model IS NOT NULL ORDER BY model');
    const keys = this.db.all<{ key_id: string | null }>('SELECT DISTINCT key_id FROM request_log ORDER BY key_id');
    return { models: models.map((row) => row.model), keyIds: keys.map((row) => row.key_id) };
  }

  async dailySpend(filter: { keyId?: string; fromDay?: string; toDay?: string }): Promise<DailySpend[]> {
    const where = new Where()
      .when(filter.keyId, 'key_id = ?')
      .when(filter.fromDay || undefined, 'day >= ?')
      .when(filter.toDay || undefined, 'day <= ?');
    return SPEND_DAILY.all(this.db, `${where.sql} ORDER BY day, key_id, model`, where.params);
  }

  pruneLog(before: number): Promise<number> {
    return this.db.write((tx) => tx.run('DELETE FROM request_log WHERE time < ?', [before]));
  }
}
