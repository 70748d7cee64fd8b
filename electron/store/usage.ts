// The request log and daily spend. Rows arrive in batches from the gateway's accounting;
// old log rows are deleted after the retention period, their totals live on in spend_daily.
import type { StoreDatabase, Tx } from './database.js';
import { applyKeyUsage, type KeyUsageIncrement } from './keys.js';
import type { SqlParam } from './journal.js';

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
  keyId?: string;
  model?: string;
  start?: number;
  end?: number;
  /** ok: below 400; error: 400 and above. */
  status?: 'ok' | 'error';
  limit: number;
}

/** A day's totals for one key and model (the same shape an increment has). */
export type DailySpend = DailySpendIncrement;

export interface UsageRepository {
  /** One durable write for everything the gateway accumulated since the last flush. */
  recordBatch(batch: UsageBatch): Promise<void>;
  spendLogs(query: SpendLogQuery): Promise<RequestLogEntry[]>;
  dailySpend(filter: { keyId?: string; fromDay?: string; toDay?: string }): Promise<DailySpend[]>;
  /** Deletes log rows older than `before`; daily totals are kept. Returns rows deleted. */
  pruneLog(before: number): Promise<number>;
  countLog(): Promise<number>;
}

export function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export class SqlJsUsageRepository implements UsageRepository {
  constructor(private readonly db: StoreDatabase) {}

  async recordBatch(batch: UsageBatch): Promise<void> {
    await this.db.write((tx) => {
      for (const entry of batch.log) insertLog(tx, entry);
      for (const inc of batch.daily) {
        tx.run(
          `INSERT INTO spend_daily (day, key_id, model, requests, prompt_tokens, completion_tokens, total_tokens, cost)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (day, key_id, model) DO UPDATE SET
             requests = requests + excluded.requests, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
             completion_tokens = completion_tokens + excluded.completion_tokens,
             total_tokens = total_tokens + excluded.total_tokens, cost = cost + excluded.cost`,
          [inc.day, inc.keyId, inc.model, inc.requests, inc.promptTokens, inc.completionTokens, inc.totalTokens, inc.cost],
        );
      }
      applyKeyUsage(tx, batch.keys);
    });
  }

  async spendLogs(query: SpendLogQuery): Promise<RequestLogEntry[]> {
    const clauses: string[] = [];
    const params: SqlParam[] = [];
    const add = (clause: string, value: SqlParam | undefined): void => {
      if (value === undefined) return;
      clauses.push(clause);
      params.push(value);
    };
    add('key_id = ?', query.keyId);
    add('model = ?', query.model);
    add('time >= ?', query.start);
    add('time < ?', query.end);
    if (query.status) clauses.push(query.status === 'ok' ? 'status < 400' : 'status >= 400');
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    return this.db
      .all<LogRow>(`SELECT * FROM request_log ${where} ORDER BY time DESC LIMIT ?`, [...params, query.limit])
      .map(fromLogRow);
  }

  async dailySpend(filter: { keyId?: string; fromDay?: string; toDay?: string }): Promise<DailySpend[]> {
    const clauses: string[] = [];
    const params: SqlParam[] = [];
    if (filter.keyId !== undefined) {
      clauses.push('key_id = ?');
      params.push(filter.keyId);
    }
    if (filter.fromDay) {
      clauses.push('day >= ?');
      params.push(filter.fromDay);
    }
    if (filter.toDay) {
      clauses.push('day <= ?');
      params.push(filter.toDay);
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    return this.db
      .all<DailyRow>(`SELECT * FROM spend_daily ${where} ORDER BY day, key_id, model`, params)
      .map((row) => ({
        day: row.day,
        keyId: row.key_id,
        model: row.model,
        requests: row.requests,
        promptTokens: row.prompt_tokens,
        completionTokens: row.completion_tokens,
        totalTokens: row.total_tokens,
        cost: row.cost,
      }));
  }

  pruneLog(before: number): Promise<number> {
    return this.db.write((tx) => tx.run('DELETE FROM request_log WHERE time < ?', [before]));
  }

  async countLog(): Promise<number> {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM request_log')?.n ?? 0;
  }
}

interface LogRow {
  id: string;
  time: number;
  key_id: string | null;
  model: string | null;
  deployment: string | null;
  status: number;
  latency_ms: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number;
  request_body: string | null;
  response_body: string | null;
}

interface DailyRow {
  day: string;
  key_id: string;
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number;
}

function insertLog(tx: Tx, entry: RequestLogEntry): void {
  tx.run(
    `INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, prompt_tokens, completion_tokens,
       total_tokens, cost, request_body, response_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      entry.id,
      entry.time,
      entry.keyId,
      entry.model,
      entry.deployment,
      entry.status,
      entry.latencyMs,
      entry.promptTokens,
      entry.completionTokens,
      entry.totalTokens,
      entry.cost,
      entry.requestBody,
      entry.responseBody,
    ],
  );
}

function fromLogRow(row: LogRow): RequestLogEntry {
  return {
    id: row.id,
    time: row.time,
    keyId: row.key_id,
    model: row.model,
    deployment: row.deployment,
    status: row.status,
    latencyMs: row.latency_ms,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    totalTokens: row.total_tokens,
    cost: row.cost,
    requestBody: row.request_body,
    responseBody: row.response_body,
  };
}
