// The async SQL interface the repositories are written over, once for both stores: the sql.js
// store (database.ts) and PostgreSQL (pg/database.ts) each supply a connection and its dialect.
// SQL is written with `?` placeholders (PostgreSQL's connection numbers them `$n`); JSON columns
// are text and booleans 0/1 in both schemas, so one column map (columns.ts) reads either's rows.
import type { SqlParam } from './journal.js';

export type Row = Record<string, SqlParam | Uint8Array>;

/** Reads: one statement each. */
export interface SqlReader {
  all<T extends object = Row>(sql: string, params?: SqlParam[]): Promise<T[]>;
  get<T extends object = Row>(sql: string, params?: SqlParam[]): Promise<T | undefined>;
}

/** Inside a transaction: reads see its own changes. */
export interface SqlTx extends SqlReader {
  /** A statement that changes rows; returns how many. */
  run(sql: string, params?: SqlParam[]): Promise<number>;
  /** A statement that changes rows and returns some (`… RETURNING *`). */
  write<T extends object = Row>(sql: string, params?: SqlParam[]): Promise<T[]>;
  /** One statement once per parameter list, in order (a batch's rows); returns rows changed in all. */
  runEach(sql: string, paramLists: readonly SqlParam[][]): Promise<number>;
}

/** Where the two SQL dialects differ in what the repositories write. */
export interface SqlDialect {
  /** A table of a JSON text column's array elements, as text in a column `value`. */
  jsonArrayValues(column: string): string;
  /** A table of a JSON text column's object values, as text in a column `value`. */
  jsonObjectValues(column: string): string;
  /** The larger of two values: SQLite's two-argument MAX, PostgreSQL's GREATEST. */
  readonly greatest: string;
  /** Appended to a read inside a transaction that is about to write what it read (SQLite's writes are serial already). */
  readonly forUpdate: string;
  /** Whether a statement failed on a foreign key (a deployment naming a missing provider). */
  isForeignKeyViolation(error: unknown): boolean;
}

export interface SqlConnection extends SqlReader {
  readonly dialect: SqlDialect;
  /** One statement that changes rows, committed on its own; returns how many. */
  run(sql: string, params?: SqlParam[]): Promise<number>;
  /** Runs `change` atomically: all of it or, when it throws, none. Resolves once committed (sql.js: durable). */
  transaction<T>(change: (tx: SqlTx) => Promise<T>): Promise<T>;
}
