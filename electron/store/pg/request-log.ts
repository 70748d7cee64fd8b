// The request log on PostgreSQL: the request-log repository (request-log.ts) as a table. Rows
// arrive in batches off the hot path and go in as multi-row INSERTs (a few statements per flush,
// whatever the traffic); reads are newest first with (time, id) as the cursor, which the indexes
// of migrations 001 and 006 serve whole, per key, per model and for errors only (per session
// and project: 011's). Retention is
// one versioned row (log_retention, migration 009). Size is each row's own bytes as written
// (row_bytes: its JSON length, the same measure as the sql.js store's segment files), not the
// table's disk footprint: that includes indexes and shrinks only when PostgreSQL vacuums, so a
// size cap on it would delete everything before the disk showed any change.
import { defineTable, json, nullable, number, text, Where } from '../columns.js';
import { LEGACY_LOG_COLUMNS } from '../legacy-request-log.js';
import { ConflictError } from '../errors.js';
import { MAX_GROUP_CLIENTS } from '../log-groups.js';
import type { LogGroupQuery, LogGroupTotals, LogRetention, RequestLogEntry, RequestLogRepository, SpendLogQuery, StoredLogRetention } from '../request-log.js';
import type { LogMcpCall, TokenParts } from '../../../shared/api.js';
import { STOPPED_STATUS } from '../../../shared/log-views.js';
import type { SqlTx } from '../sql.js';
import type { CaptureMode } from '../../../shared/keys.js';
import { insertRows, type PgDatabase } from './database.js';

type StoredRow = Omit<RequestLogEntry, 'route'> & { route: string | null; rowBytes: number };

interface GroupRow {
  name: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number;
  first: number;
  last: number;
  clients: string[] | null;
  key_id: string;
  project: string | null;
}

const REQUEST_LOG = defineTable<StoredRow>('request_log', {
  ...LEGACY_LOG_COLUMNS,
  client: nullable(text('client')),
  responseId: nullable(text('response_id')),
  session: nullable(text('session')),
  project: nullable(text('project')),
  route: nullable(text('route')),
  tokenParts: nullable(json<TokenParts>('token_parts', { cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, cacheSavings: 0 })),
  replayOf: nullable(text('replay_of')),
  mcp: nullable(json<LogMcpCall>('mcp', { server: null, tool: '' })),
  rowBytes: number('row_bytes'),
});

/** Rows per INSERT: 24 columns each, well under PostgreSQL's 65,535 parameters. */
const ROWS_PER_INSERT = 500;
/** Rows removed per DELETE when the size cap prunes, so one prune never holds a huge lock. */
const PRUNE_PAGE = 5_000;

function entry(row: StoredRow): RequestLogEntry {
  const { rowBytes: _bytes, route, ...rest } = row;
  // Rows that predate routes took the default.
  return { ...rest, route: route ?? 'default' };
}

/** Inside a transaction: the rows, each with its size; a row written twice (a retried flush) stays one row. */
export async function insertLogRows(tx: SqlTx, rows: readonly RequestLogEntry[]): Promise<void> {
  const stored = rows.map((row) => ({ ...row, rowBytes: Buffer.byteLength(JSON.stringify(row)) }));
  for (let start = 0; start < stored.length; start += ROWS_PER_INSERT) {
    await insertRows(tx, REQUEST_LOG, stored.slice(start, start + ROWS_PER_INSERT), 'ON CONFLICT (id) DO NOTHING');
  }
}

/** Inside a transaction: retention as the laptop saved it (migrate-store). */
export async function insertRetention(tx: SqlTx, retention: StoredLogRetention): Promise<void> {
  await tx.run('INSERT INTO log_retention (id, days, max_megabytes, capture, version) VALUES (1, ?, ?, ?, ?)', [retention.days, retention.maxMegabytes, retention.capture ?? null, retention.version]);
}

export class PgRequestLog implements RequestLogRepository {
  constructor(private readonly db: PgDatabase) {}

  async append(rows: RequestLogEntry[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction((tx) => insertLogRows(tx, rows));
  }

  async query(query: SpendLogQuery): Promise<RequestLogEntry[]> {
    const where = new Where()
      .when(query.id, 'id = ?')
      .when(query.responseId, 'response_id = ?')
      .when(query.keyId || undefined, 'key_id = ?')
      .when(query.model, 'model = ?')
      .when(query.session, 'session = ?')
      .when(query.project, 'project = ?')
      .when(query.start, 'time >= ?')
      .when(query.end, 'time < ?');
    if (query.keyId === '') where.add('key_id IS NULL');
    if (query.status) where.add(query.status === 'ok' ? 'status < 400' : `status >= 400 AND status <> ${STOPPED_STATUS}`);
    // A row-value comparison, which the (time DESC, id DESC) indexes answer as a range.
    if (query.before) where.add('(time, id) < (?, ?)', query.before.time, query.before.id);
    const rows = await REQUEST_LOG.all(this.db, `${where.sql} ORDER BY time DESC, id DESC LIMIT ?`, [...where.params, query.limit]);
    return rows.map(entry);
  }

  /** One GROUP BY over the period; the key and project shown are those of each group's latest request. */
  async groups(query: LogGroupQuery): Promise<LogGroupTotals[]> {
    const column = query.by === 'session' ? 'session' : 'project';
    const rows = await this.db.all<GroupRow>(
      `SELECT ${column} AS name, COUNT(*) FILTER (WHERE mcp IS NULL) AS requests, SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens,
         SUM(total_tokens) AS total_tokens, SUM(cost) AS cost, MIN(time) AS first, MAX(time) AS last,
         (array_agg(DISTINCT client) FILTER (WHERE client IS NOT NULL))[1:${MAX_GROUP_CLIENTS}] AS clients,
         (array_agg(COALESCE(key_id, '') ORDER BY time DESC, id DESC))[1] AS key_id,
         (array_agg(project ORDER BY time DESC, id DESC) FILTER (WHERE project IS NOT NULL))[1] AS project
       FROM request_log WHERE ${column} IS NOT NULL AND time >= ? AND time < ?
       GROUP BY ${column} ORDER BY last DESC, name LIMIT ?`,
      [query.start, query.end, query.limit],
    );
    return rows.map((row) => ({
      name: row.name,
      requests: row.requests,
      promptTokens: row.prompt_tokens,
      completionTokens: row.completion_tokens,
      totalTokens: row.total_tokens,
      cost: row.cost,
      first: row.first,
      last: row.last,
      clients: row.clients ?? [],
      keyId: row.key_id,
      project: row.project,
    }));
  }

  async get(id: string): Promise<RequestLogEntry | null> {
    return (await this.query({ id, limit: 1 }))[0] ?? null;
  }

  async prune(limits: { before: number; maxBytes: number }): Promise<number> {
    let removed = await this.db.run('DELETE FROM request_log WHERE time < ?', [limits.before]);
    // Then the oldest rows while the rest is over the cap: the newest row that no longer fits marks the cut.
    for (;;) {
      const cut = await this.db.get<{ time: number; id: string }>(
        `SELECT time, id FROM (SELECT time, id, SUM(row_bytes) OVER (ORDER BY time DESC, id DESC) AS upto FROM request_log) AS running
         WHERE upto > ? ORDER BY time DESC, id DESC LIMIT 1`,
        [Math.floor(limits.maxBytes)],
      );
      if (!cut) return removed;
      const page = await this.db.run(`DELETE FROM request_log WHERE id IN (SELECT id FROM request_log WHERE (time, id) <= (?, ?) ORDER BY time, id LIMIT ?)`, [cut.time, cut.id, PRUNE_PAGE]);
      removed += page;
      if (page === 0) return removed;
    }
  }

  async sizeBytes(): Promise<number> {
    const row = await this.db.get<{ bytes: number | null }>('SELECT SUM(row_bytes) AS bytes FROM request_log');
    return Number(row?.bytes ?? 0);
  }

  async retention(): Promise<StoredLogRetention | null> {
    const row = await this.db.get<{ days: number; max_megabytes: number; capture: CaptureMode | null; version: number }>('SELECT days, max_megabytes, capture, version FROM log_retention WHERE id = 1');
    return row ? { days: row.days, maxMegabytes: row.max_megabytes, capture: row.capture, version: row.version } : null;
  }

  async saveRetention(retention: LogRetention, version: number): Promise<StoredLogRetention> {
    // The first save inserts (the primary key picks one of two racing); later ones name the version they read.
    const changed =
      version === 0
        ? await this.db.run('INSERT INTO log_retention (id, days, max_megabytes, capture, version) VALUES (1, ?, ?, ?, 1) ON CONFLICT (id) DO NOTHING', [retention.days, retention.maxMegabytes, retention.capture ?? null])
        : await this.db.run('UPDATE log_retention SET days = ?, max_megabytes = ?, capture = ?, version = version + 1 WHERE id = 1 AND version = ?', [
            retention.days,
            retention.maxMegabytes,
            retention.capture ?? null,
            version,
          ]);
    if (changed === 0) throw new ConflictError(await this.retention());
    return { ...retention, capture: retention.capture ?? null, version: version + 1 };
  }

  /** The pool belongs to the store, which closes it. */
  async close(): Promise<void> {}
}
