// Column maps: each table declares once, per property, its column name and codec; rows become
// objects, and objects become INSERT column lists and UPDATE SET lists, from that declaration.
import { ConflictError, NotFoundError } from './errors.js';
import type { SqlParam } from './journal.js';
import type { Row, SqlReader, SqlTx } from './sql.js';

type CellValue = NonNullable<Row[string]> | null;

/** One column: its name, and how a value is written and read. */
export interface Column<T> {
  readonly name: string;
  // Function properties, not methods, so that Column<string> is not mistaken for Column<string | null>.
  readonly encode: (value: T) => SqlParam;
  readonly decode: (cell: CellValue) => T;
}

/** A column with a value for "nothing set", which a new record starts from (see `emptyRecord`). */
export interface EmptyableColumn<T> extends Column<T> {
  readonly empty: T;
}

export const text = (name: string): Column<string> => ({ name, encode: (value) => value, decode: (cell) => cell as string });

/** Text holding one of a closed set of values (a strategy name, say); the service checked it. */
export const textOf = <T extends string>(name: string): Column<T> => ({ name, encode: (value) => value, decode: (cell) => cell as T });

export const number = (name: string): Column<number> => ({ name, encode: (value) => value, decode: (cell) => cell as number });

/** The columns every versioned row ends with: when it was made and last changed, and its version. */
export const ROW_VERSION = { createdAt: number('created_at'), updatedAt: number('updated_at'), version: number('version') };

/** SQLite has no boolean: 0 and 1. */
export const bool = (name: string): EmptyableColumn<boolean> => ({ name, encode: (value) => (value ? 1 : 0), decode: (cell) => cell === 1, empty: false });

/** Arrays and objects as JSON text. */
export function json<T>(name: string, empty: T): EmptyableColumn<T> {
  return { name, encode: (value) => JSON.stringify(value), decode: (cell) => JSON.parse(cell as string) as T, empty };
}

export function nullable<T>(column: Column<T>): EmptyableColumn<T | null> {
  return {
    name: column.name,
    encode: (value) => (value === null ? null : column.encode(value)),
    decode: (cell) => (cell === null ? null : column.decode(cell)),
    empty: null,
  };
}

export type Columns<T> = { readonly [K in keyof T]-?: Column<T[K]> };

/** A record of the columns' `empty` values, fresh each time (arrays and objects are copies). */
export function emptyRecord<T>(columns: { readonly [K in keyof T]-?: EmptyableColumn<T[K]> }): T {
  const record: Partial<Record<keyof T, unknown>> = {};
  for (const [property, column] of Object.entries(columns) as Array<[keyof T, EmptyableColumn<unknown>]>) {
    record[property] = structuredClone(column.empty);
  }
  return record as T;
}

interface Assignments {
  names: string[];
  values: SqlParam[];
}

export interface Table<T> {
  readonly name: string;
  readonly columns: Columns<T>;
  fromRow(row: Row): T;
  /** Column names and values for the properties of `fields` that are set (undefined skips one). */
  toColumns(fields: Partial<T>): Assignments;
  /** `SELECT * FROM <table> <rest>`, each row as an object. */
  all(reader: SqlReader, rest?: string, params?: SqlParam[]): Promise<T[]>;
  get(reader: SqlReader, rest: string, params: SqlParam[]): Promise<T | undefined>;
  /** `INSERT INTO <table> (<set columns>) VALUES (…) <rest> RETURNING *`: the row, or undefined when `rest` skipped it. */
  insert(tx: SqlTx, fields: Partial<T>, rest?: string): Promise<T | undefined>;
  /** The same INSERT once per record (each must set the same properties); returns rows changed. */
  insertEach(tx: SqlTx, records: ReadonlyArray<Partial<T>>, rest?: string): Promise<number>;
}

export function defineTable<T>(name: string, columns: Columns<T>): Table<T> {
  const entries = Object.entries(columns) as Array<[keyof T, Column<T[keyof T]>]>;
  const table: Table<T> = {
    name,
    columns,
    fromRow(row) {
      const record: Partial<T> = {};
      for (const [property, column] of entries) {
        const cell = row[column.name];
        // A map naming a column the table lacks is a missing migration, not a null.
        if (cell === undefined) throw new Error(`${name} has no column ${column.name}`);
        record[property] = column.decode(cell);
      }
      return record as T;
    },
    toColumns(fields) {
      const names: string[] = [];
      const values: SqlParam[] = [];
      for (const [property, column] of entries) {
        const value = fields[property];
        if (value === undefined) continue;
        names.push(column.name);
        values.push(column.encode(value));
      }
      return { names, values };
    },
    async all(reader, rest = '', params = []) {
      return (await reader.all(`SELECT * FROM ${name} ${rest}`, params)).map((row) => table.fromRow(row));
    },
    async get(reader, rest, params) {
      const row = await reader.get(`SELECT * FROM ${name} ${rest}`, params);
      return row && table.fromRow(row);
    },
    async insert(tx, fields, rest = '') {
      const { names, values } = table.toColumns(fields);
      const [row] = await tx.write(`INSERT INTO ${name} (${names.join(', ')}) VALUES (${placeholders(names.length)}) ${rest} RETURNING *`, values);
      return row && table.fromRow(row);
    },
    insertEach(tx, records, rest = '') {
      const columns = records.map((record) => table.toColumns(record));
      if (columns.length === 0) return Promise.resolve(0);
      const names = columns[0]!.names;
      return tx.runEach(
        `INSERT INTO ${name} (${names.join(', ')}) VALUES (${placeholders(names.length)}) ${rest}`,
        columns.map((column) => column.values),
      );
    },
  };
  return table;
}

/** The listed properties of `record`: what a caller may write, and nothing it happens to carry. */
export function pick<T, K extends keyof T>(record: T, properties: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const property of properties) picked[property] = record[property];
  return picked;
}

/** `WHERE a AND b …` from the conditions that apply; empty when none does. */
export class Where {
  private readonly clauses: string[] = [];
  readonly params: SqlParam[] = [];

  add(clause: string, ...params: SqlParam[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }

  /** Adds `clause` (one `?`) with `value`, unless the value is undefined. */
  when(value: SqlParam | undefined, clause: string): this {
    return value === undefined ? this : this.add(clause, value);
  }

  /** The WHERE clause, or nothing when no condition was added. */
  get sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

interface Versioned {
  id: string;
  version: number;
}

/** A table of rows the app lists and edits by id; an update names the version it read (ConflictError when stale). */
export interface RowRepository<Row, Input> {
  create(id: string, input: Input, now: number): Promise<Row>;
  list(): Promise<Row[]>;
  update(id: string, input: Input, expectedVersion: number, now: number): Promise<Row>;
  delete(id: string): Promise<boolean>;
}

export interface VersionedUpdate<T, V> {
  id: string;
  /** The properties to write; undefined ones are left as they are. */
  set: Partial<T>;
  /** undefined: whatever version is there. */
  expectedVersion: number | undefined;
  /** What the record is called in messages: "key", "provider". */
  noun: string;
  /** The record as the caller's callers see it, for the conflict to carry. */
  view: (current: T) => V;
}

/**
 * `UPDATE <table> SET …, version = version + 1 WHERE id = ? AND version = ? RETURNING *`. Returns
 * the row as it now is; throws NotFoundError when there is no such row, ConflictError carrying the
 * current record when its version has moved on. (On PostgreSQL a concurrent update of the row waits
 * for the first to commit, then finds the version moved on: one wins, the other gets the conflict.)
 */
export async function updateVersioned<T extends Versioned, V>(tx: SqlTx, table: Table<T>, update: VersionedUpdate<T, V>): Promise<T> {
  const { names, values } = table.toColumns(update.set);
  const versionCheck = update.expectedVersion === undefined ? [] : [update.expectedVersion];
  const [updated] = await tx.write(
    `UPDATE ${table.name} SET ${names.map((column) => `${column} = ?, `).join('')}version = version + 1
     WHERE id = ?${versionCheck.length ? ' AND version = ?' : ''} RETURNING *`,
    [...values, update.id, ...versionCheck],
  );
  if (updated) return table.fromRow(updated);
  const current = await table.get(tx, 'WHERE id = ?', [update.id]);
  if (!current) throw new NotFoundError(`No ${update.noun} with id ${update.id}.`);
  throw new ConflictError(update.view(current));
}
