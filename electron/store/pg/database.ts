// The PostgreSQL connection pool and the few helpers the repositories share: `?` placeholders
// (as the column maps and Where write them) become `$n`, transactions run on one pooled client,
// and rows come back through the same column maps as sql.js rows do.
import pg from 'pg';
import type { Row } from '../database.js';
import type { Table } from '../columns.js';
import { UniqueViolationError } from '../errors.js';
import type { SqlParam } from '../journal.js';

/** Reads: one statement each, on any pooled connection (or the transaction's). */
export interface PgReader {
  all<T extends object = Row>(sql: string, params?: SqlParam[]): Promise<T[]>;
  get<T extends object = Row>(sql: string, params?: SqlParam[]): Promise<T | undefined>;
}

/** Inside a transaction: `run` returns rows changed. */
export interface PgTx extends PgReader {
  run(sql: string, params?: SqlParam[]): Promise<number>;
}

/** `?` → `$1, $2, …`, skipping quoted text (the SQL here has no `?` operator). */
function numbered(sql: string): string {
  let n = 0;
  let quoted = false;
  let out = '';
  for (const char of sql) {
    if (char === "'") quoted = !quoted;
    out += char === '?' && !quoted ? `$${++n}` : char;
  }
  return out;
}

/** bigint (times in epoch ms, COUNT(*)) and numeric as JS numbers: every value here fits a double exactly. */
function numberTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  types.setTypeParser(pg.types.builtins.NUMERIC, Number);
  return types;
}

function reader(client: pg.Pool | pg.PoolClient): PgReader & { run(sql: string, params?: SqlParam[]): Promise<number> } {
  const query = (sql: string, params: SqlParam[] = []): Promise<pg.QueryResult> =>
    client.query(numbered(sql), params).catch((error: unknown) => {
      throw uniqueViolation(error) ?? error;
    });
  return {
    // Rows are the columns the SQL names; the caller's type says which.
    all: async <T extends object>(sql: string, params?: SqlParam[]) => (await query(sql, params)).rows as T[],
    get: async <T extends object>(sql: string, params?: SqlParam[]) => (await query(sql, params)).rows[0] as T | undefined,
    run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
  };
}

export class PgDatabase implements PgReader {
  private readonly direct: ReturnType<typeof reader>;

  constructor(
    readonly pool: pg.Pool,
    /** The database URL without its password, for messages. */
    readonly label: string,
  ) {
    this.direct = reader(pool);
  }

  static connect(url: string, options: { max?: number } = {}): PgDatabase {
    const pool = new pg.Pool({ connectionString: url, types: numberTypes(), max: options.max ?? 10, application_name: 'loopgate' });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    return new PgDatabase(pool, redact(url));
  }

  all<T extends object = Row>(sql: string, params?: SqlParam[]): Promise<T[]> {
    return this.direct.all<T>(sql, params);
  }

  get<T extends object = Row>(sql: string, params?: SqlParam[]): Promise<T | undefined> {
    return this.direct.get<T>(sql, params);
  }

  run(sql: string, params?: SqlParam[]): Promise<number> {
    return this.direct.run(sql, params);
  }

  /** BEGIN … COMMIT on one client; ROLLBACK when `change` throws. */
  async transaction<T>(change: (tx: PgTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const result = await change(reader(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** postgres://user:secret@host/db → postgres://user@host/db */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'the configured database';
  }
}

/** `SELECT * FROM <table> <rest>`, each row through the table's column map. */
export async function selectAll<T>(db: PgReader, table: Table<T>, rest = '', params: SqlParam[] = []): Promise<T[]> {
  return (await db.all(`SELECT * FROM ${table.name} ${rest}`, params)).map((row) => table.fromRow(row));
}

export async function selectOne<T>(db: PgReader, table: Table<T>, rest: string, params: SqlParam[]): Promise<T | undefined> {
  const row = await db.get(`SELECT * FROM ${table.name} ${rest}`, params);
  return row && table.fromRow(row);
}

/** One multi-row `INSERT INTO <table> (…) VALUES (…), (…) <rest>`; every record must set the same properties. */
export async function insertRows<T>(tx: PgTx, table: Table<T>, records: Array<Partial<T>>, rest = ''): Promise<number> {
  if (records.length === 0) return 0;
  const columns = records.map((record) => table.toColumns(record));
  const names = columns[0]!.names;
  const tuple = `(${names.map(() => '?').join(', ')})`;
  return tx.run(
    `INSERT INTO ${table.name} (${names.join(', ')}) VALUES ${columns.map(() => tuple).join(', ')} ${rest}`,
    columns.flatMap((column) => column.values),
  );
}

/** PostgreSQL's unique_violation (23505), named by its table and the column in its detail: "Key (name)=(x) already exists." */
function uniqueViolation(error: unknown): UniqueViolationError | null {
  if (!(error instanceof pg.DatabaseError) || error.code !== '23505') return null;
  const column = /^Key \(([^,)]+)/.exec(error.detail ?? '')?.[1] ?? error.constraint ?? 'id';
  return new UniqueViolationError(error.table ?? 'unknown', column);
}

/** SQLSTATE of a PostgreSQL error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}
