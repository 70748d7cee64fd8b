// The PostgreSQL connection pool as the repositories' SQL connection (../sql.ts): `?`
// placeholders (as the column maps and Where write them) become `$n`, transactions run on one
// pooled client, and rows come back through the same column maps as sql.js rows do.
import pg from 'pg';
import type { Table } from '../columns.js';
import { UniqueViolationError } from '../errors.js';
import type { SqlParam } from '../journal.js';
import type { Row, SqlConnection, SqlDialect, SqlTx } from '../sql.js';

/** 23503: foreign_key_violation. */
const FOREIGN_KEY_VIOLATION = '23503';

const POSTGRES: SqlDialect = {
  jsonArrayValues: (column) => `jsonb_array_elements_text(${column}::jsonb)`,
  jsonObjectValues: (column) => `jsonb_each_text(${column}::jsonb)`,
  greatest: 'GREATEST',
  forUpdate: 'FOR UPDATE',
  isForeignKeyViolation: (error) => sqlState(error) === FOREIGN_KEY_VIOLATION,
};

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

function reader(client: pg.Pool | pg.PoolClient): SqlTx {
  const query = (sql: string, params: SqlParam[] = []): Promise<pg.QueryResult> =>
    client.query(numbered(sql), params).catch((error: unknown) => {
      throw uniqueViolation(error) ?? error;
    });
  // Rows are the columns the SQL names; the caller's type says which.
  const all = async <T extends object>(sql: string, params?: SqlParam[]): Promise<T[]> => (await query(sql, params)).rows as T[];
  const run = async (sql: string, params?: SqlParam[]): Promise<number> => (await query(sql, params)).rowCount ?? 0;
  return {
    all,
    get: async <T extends object>(sql: string, params?: SqlParam[]) => (await query(sql, params)).rows[0] as T | undefined,
    run,
    write: all,
    async runEach(sql, paramLists) {
      let changed = 0;
      for (const params of paramLists) changed += await run(sql, params);
      return changed;
    },
  };
}

export class PgDatabase implements SqlConnection {
  readonly dialect = POSTGRES;
  private readonly direct: SqlTx;

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
  async transaction<T>(change: (tx: SqlTx) => Promise<T>): Promise<T> {
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

/** One multi-row `INSERT INTO <table> (…) VALUES (…), (…) <rest>`; every record must set the same properties. */
export async function insertRows<T>(tx: SqlTx, table: Table<T>, records: Array<Partial<T>>, rest = ''): Promise<number> {
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
function sqlState(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}
