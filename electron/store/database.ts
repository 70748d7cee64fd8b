// Store owns the sql.js database and its durability: a mutation runs in memory inside a
// transaction, its statements go to the journal (fsync), and only then is it acknowledged.
// Snapshots (temp file, fsync, rename) bound the journal; start-up loads the snapshot and
// replays what the journal holds beyond it. Foreign keys are enforced on the connection, for
// every write and replay alike, so a replayed delete cascades just as the original did.
// The repositories reach it through `connection` (sql.ts): sql.js runs each statement at once,
// and a transaction holds the one connection until it ends, so nothing sees it half done.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic, type Statement } from 'sql.js';
import type { Logger } from '../core/logger.js';
import { sqliteUniqueViolation, StoreUnavailableError } from './errors.js';
import { acquireLock, restrictDataDir, writeFileAtomic } from './files.js';
import { JournalWriter, readJournal, type JournalOp, type JournalRecord, type SqlParam } from './journal.js';
import { applyMigrations } from './migrations/index.js';
import type { Row, SqlConnection, SqlDialect, SqlTx } from './sql.js';

export const SNAPSHOT_FILE = 'store.sqlite';
/** Past this much journal, the next write triggers a snapshot in the background. */
const SNAPSHOT_AFTER_BYTES = 8 * 1024 * 1024;

/** Reads run synchronously against the in-memory database (start-up, migrations, tests). */
export interface Reader {
  all<T extends object = Row>(sql: string, params?: SqlParam[]): T[];
  get<T extends object = Row>(sql: string, params?: SqlParam[]): T | undefined;
}

const SQLITE: SqlDialect = {
  jsonArrayValues: (column) => `json_each(${column})`,
  jsonObjectValues: (column) => `json_each(${column})`,
  greatest: 'MAX',
  forUpdate: '',
  isForeignKeyViolation: (error) => /FOREIGN KEY constraint failed/.test(String(error)),
};

/** `run` as a promise: a synchronous throw becomes a rejection. */
function settle<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

let sqlJs: Promise<SqlJsStatic> | null = null;

export function loadSqlJs(): Promise<SqlJsStatic> {
  const require = createRequire(import.meta.url);
  const wasm = require.resolve('sql.js/dist/sql-wasm.wasm');
  sqlJs ??= initSqlJs({ locateFile: () => wasm });
  return sqlJs;
}

export class StoreDatabase implements Reader {
  /** The repositories' view (sql.ts); its reads wait while a write holds the connection. */
  readonly connection: SqlConnection = {
    dialect: SQLITE,
    all: (sql, params) => this.whenIdle(() => this.all(sql, params)),
    get: (sql, params) => this.whenIdle(() => this.get(sql, params)),
    run: (sql, params) => this.write((tx) => tx.run(sql, params)),
    transaction: (change) => this.write(change),
  };
  private seq = 0;
  /** Set while a write holds the connection; settles when it commits or rolls back. */
  private busy: Promise<void> | null = null;
  private failure: Error | null = null;
  private snapshotting: Promise<void> | null = null;
  private closed = false;
  private lastSnapshotBytes = 0;

  private constructor(
    private db: Database,
    private readonly dir: string,
    private readonly journal: JournalWriter,
    private readonly releaseLock: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /**
   * `beforeMigration`: work that must happen with the schema one version short of its key (for
   * moving data out before a migration drops it); it runs only when that migration is pending.
   */
  static async open(dir: string, logger: Logger, beforeMigration: Record<number, (reader: Reader) => Promise<void>> = {}): Promise<StoreDatabase> {
    const releaseLock = await acquireLock(dir);
    try {
      await restrictDataDir(dir);
      const SQL = await loadSqlJs();
      const snapshotPath = join(dir, SNAPSHOT_FILE);
      const hadSnapshot = existsSync(snapshotPath);
      const db = hadSnapshot ? new SQL.Database(await readFile(snapshotPath)) : new SQL.Database();
      enforceForeignKeys(db);
      const replay = await readJournal(dir);
      const store = new StoreDatabase(db, dir, new JournalWriter(dir, replay.lastFileIndex + 1), releaseLock, logger);
      const replayed = store.replay(replay.records);
      if (replay.tornTail) {
        logger.log('warn', `Ignored a torn journal record left by a crash: ${replay.tornTail}`, { records_replayed: replayed });
      }
      let migrations = 0;
      for (const [version, prepare] of Object.entries(beforeMigration).sort(([a], [b]) => Number(a) - Number(b))) {
        if (schemaVersion(db) >= Number(version)) continue;
        migrations += applyMigrations(db, Number(version) - 1);
        await prepare(store);
      }
      const migrated = applyMigrations(db) + migrations > 0;
      if (!hadSnapshot || migrated || replay.tornTail) await store.snapshot(replay.lastFileIndex);
      // After kill -9 the replayed journal stays valid until a snapshot covers it, so that snapshot
      // need not delay start-up. (A migration's or a torn tail's must: neither is in the journal.)
      else if (replayed > 0) {
        store.snapshot(replay.lastFileIndex).catch((error: unknown) => logger.log('error', `the store could not be saved after recovery: ${String(error)}`));
      }
      return store;
    } catch (error) {
      await releaseLock();
      throw error;
    }
  }

  all<T extends object = Row>(sql: string, params: SqlParam[] = []): T[] {
    const statement = this.db.prepare(sql);
    try {
      return rowsOf<T>(statement, params);
    } finally {
      statement.free();
    }
  }

  get<T extends object = Row>(sql: string, params: SqlParam[] = []): T | undefined {
    return this.all<T>(sql, params)[0];
  }

  /**
   * Applies `change` atomically in memory; resolves once it is durable on disk. Writes take the
   * connection one at a time, in the order asked; one asked while none runs starts at once.
   */
  write<T>(change: (tx: SqlTx) => Promise<T>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    // A write asked for before close() still runs: close() waits for it.
    if (this.closed) return Promise.reject(new StoreUnavailableError('the store is closed'));
    return this.writeInTurn(change);
  }

  private async writeInTurn<T>(change: (tx: SqlTx) => Promise<T>): Promise<T> {
    while (this.busy) await this.busy;
    if (this.failure) throw this.failure;
    let release = (): void => undefined;
    this.busy = new Promise((resolve) => (release = resolve));
    const ops: JournalOp[] = [];
    // A batch runs the same statement many times (usage rows); compile each once per write.
    const statements = new Map<string, Statement>();
    let result: T;
    let appended: Promise<void> | null = null;
    try {
      this.db.exec('BEGIN');
      try {
        result = await change(this.transactionOver(ops, statements));
        this.db.exec('COMMIT');
      } catch (error) {
        this.db.exec('ROLLBACK');
        throw sqliteUniqueViolation(error) ?? (error instanceof Error ? error : new Error(String(error)));
      } finally {
        for (const statement of statements.values()) statement.free();
      }
      // In commit order, before the next write may start.
      if (ops.length > 0) appended = this.journal.append({ seq: ++this.seq, ops });
    } finally {
      this.busy = null;
      release();
    }
    if (!appended) return result;
    try {
      await appended;
    } catch (error) {
      // Memory now holds a change the disk refused; stop taking writes rather than diverge.
      this.failure = new StoreUnavailableError(`the journal could not be written: ${String(error)}`);
      this.logger.log('error', this.failure.message);
      throw this.failure;
    }
    // A snapshot costs the database's size, so it waits for a journal at least that big:
    // writes stay proportional to their own size, amortised.
    if (this.journal.bytesInCurrentFile > Math.max(SNAPSHOT_AFTER_BYTES, 2 * this.lastSnapshotBytes)) {
      void this.snapshot().catch(() => undefined);
    }
    return result;
  }

  /** The transaction's statements: each runs at once; those that change rows are recorded for the journal. */
  private transactionOver(ops: JournalOp[], statements: Map<string, Statement>): SqlTx {
    const prepared = (sql: string): Statement => {
      let statement = statements.get(sql);
      if (!statement) {
        statement = this.db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    };
    const change = (sql: string, params: SqlParam[]): number => {
      prepared(sql).run(params);
      ops.push([sql, params]);
      return this.db.getRowsModified();
    };
    return {
      all: (sql, params) => settle(() => this.all(sql, params)),
      get: (sql, params) => settle(() => this.get(sql, params)),
      run: (sql, params = []) => settle(() => change(sql, params)),
      runEach: (sql, paramLists) => settle(() => paramLists.reduce((changed, params) => changed + change(sql, params), 0)),
      write: <T extends object>(sql: string, params: SqlParam[] = []) =>
        settle(() => {
          const rows = rowsOf<T>(prepared(sql), params);
          ops.push([sql, params]);
          return rows;
        }),
    };
  }

  /** `read` now, or once the write holding the connection has ended. */
  private async whenIdle<T>(read: () => T): Promise<T> {
    while (this.busy) await this.busy;
    return read();
  }

  /** Writes the whole database atomically, then drops journal files it covers. */
  snapshot(coveredFileIndex?: number): Promise<void> {
    if (this.snapshotting) return this.snapshotting;
    // Never in the middle of a write: export() would take its uncommitted rows along.
    if (this.busy) return this.busy.then(() => this.snapshot(coveredFileIndex));
    // Synchronous up to export(): the bytes and `last_seq` describe the same instant.
    this.db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_seq', ?)", [String(this.seq)]);
    const bytes = this.db.export();
    // Older sql.js closed and reopened the connection in export(), resetting pragmas (sql.js#159).
    enforceForeignKeys(this.db);
    this.lastSnapshotBytes = bytes.length;
    const closedFile = coveredFileIndex ?? this.journal.rotate();
    this.snapshotting = (async () => {
      try {
        await writeFileAtomic(join(this.dir, SNAPSHOT_FILE), bytes);
        await this.journal.removeUpTo(closedFile);
      } finally {
        this.snapshotting = null;
      }
    })();
    return this.snapshotting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.busy) await this.busy;
    await this.journal.idle();
    if (!this.failure) await this.snapshot();
    await this.journal.close();
    this.db.close();
    await this.releaseLock();
  }

  private replay(records: JournalRecord[]): number {
    const lastSeq = Number(this.metaValue('last_seq') ?? 0);
    this.seq = lastSeq;
    let replayed = 0;
    for (const record of records) {
      if (record.seq <= lastSeq) continue;
      this.db.exec('BEGIN');
      try {
        for (const [sql, params] of record.ops) this.db.run(sql, params);
        this.db.exec('COMMIT');
      } catch (error) {
        this.db.exec('ROLLBACK');
        throw new Error(`journal record ${record.seq} could not be replayed: ${String(error)}`, { cause: error });
      }
      this.seq = record.seq;
      replayed++;
    }
    return replayed;
  }

  private metaValue(key: string): string | undefined {
    const hasMeta = this.get("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
    if (!hasMeta) return undefined;
    return this.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key])?.value;
  }
}

/** Every row `statement` gives for `params`, column names read once (getAsObject() asks for them
 * on every row, which made loading 10,000 keys at start-up take half a second); leaves it reset. */
function rowsOf<T extends object>(statement: Statement, params: SqlParam[]): T[] {
  statement.bind(params);
  const rows: T[] = [];
  let names: string[] | null = null;
  while (statement.step()) {
    names ??= statement.getColumnNames();
    const values = statement.get();
    const row: Row = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = values[i]!;
    rows.push(row as T);
  }
  statement.reset();
  return rows;
}

function schemaVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
}

/** Turns foreign keys on (SQLite leaves them off per connection), and makes sure they are. */
function enforceForeignKeys(db: Database): void {
  db.exec('PRAGMA foreign_keys = ON');
  if (db.exec('PRAGMA foreign_keys')[0]?.values[0]?.[0] !== 1) throw new Error('this SQLite build cannot enforce foreign keys');
}
