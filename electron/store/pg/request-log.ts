// The request log on PostgreSQL, on its own so it can serve the request-log repository apart
// from the key store. Rows arrive in batches and go in as multi-row INSERTs (a few statements
// per flush, whatever the traffic); reads are newest first with (time, id) as the cursor, which
// the indexes of migrations 001 and 006 serve whole, per key, per model and for errors only.
// Retention deletes by time.
import { Where } from '../columns.js';
import { REQUEST_LOG, type LogFacetRows, type RequestLogEntry, type SpendLogQuery } from '../usage.js';
import { insertRows, selectAll, selectOne, type PgDatabase, type PgTx } from './database.js';

/** Rows per INSERT: 19 columns each, well under PostgreSQL's 65,535 parameters. */
const ROWS_PER_INSERT = 500;

export class PgRequestLog {
  constructor(private readonly db: PgDatabase) {}

  /** Inside a caller's transaction (with the usage counters), or on its own. */
  async append(entries: readonly RequestLogEntry[], tx?: PgTx): Promise<void> {
    if (entries.length === 0) return;
    const write = async (into: PgTx): Promise<void> => {
      for (let start = 0; start < entries.length; start += ROWS_PER_INSERT) {
        // A row written twice (a retried flush) stays one row.
        await insertRows(into, REQUEST_LOG, entries.slice(start, start + ROWS_PER_INSERT), 'ON CONFLICT (id) DO NOTHING');
      }
    };
    await (tx ? write(tx) : this.db.transaction(write));
  }

  spendLogs(query: SpendLogQuery): Promise<RequestLogEntry[]> {
    const where = new Where()
      .when(query.id, 'id = ?')
      .when(query.keyId || undefined, 'key_id = ?')
      .when(query.model, 'model = ?')
      .when(query.start, 'time >= ?')
      .when(query.end, 'time < ?');
    if (query.keyId === '') where.add('key_id IS NULL');
    if (query.status) where.add(query.status === 'ok' ? 'status < 400' : 'status >= 400');
    // A row-value comparison, which the (time DESC, id DESC) indexes answer as a range.
    if (query.before) where.add('(time, id) < (?, ?)', query.before.time, query.before.id);
    return selectAll(this.db, REQUEST_LOG, `${where.sql} ORDER BY time DESC, id DESC LIMIT ?`, [...where.params, query.limit]);
  }

  async entry(id: string): Promise<RequestLogEntry | null> {
    return (await selectOne(this.db, REQUEST_LOG, 'WHERE id = ?', [id])) ?? null;
  }

  async facets(): Promise<LogFacetRows> {
    const models = await this.db.all<{ model: string }>('SELECT DISTINCT model FROM request_log WHERE model IS NOT NULL ORDER BY model');
    // NULLS FIRST: the master key's rows (no key id) sort first, as in SQLite.
    const keys = await this.db.all<{ key_id: string | null }>('SELECT DISTINCT key_id FROM request_log ORDER BY key_id NULLS FIRST');
    return { models: models.map((row) => row.model), keyIds: keys.map((row) => row.key_id) };
  }

  /** Deletes rows older than `before`; returns how many. */
  prune(before: number): Promise<number> {
    return this.db.run('DELETE FROM request_log WHERE time < ?', [before]);
  }
}
