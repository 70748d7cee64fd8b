// Store owns everything Loopgate remembers: the sql.js database in the data dir, its journal
// and snapshots, and the repositories over it (keys, usage aggregates, provider credentials,
// deployments, routing settings), with the request log in segment files beside it; or, on a
// team server, the same repositories on PostgreSQL (pg/). Each repository is written once, over
// the async SQL interface (sql.ts) that both stores supply with their dialect; each table's
// columns are declared once, in its repository's column map (see columns.ts).
import type { Logger } from '../core/logger.js';
import { StoreDatabase } from './database.js';
import { legacyLogPages } from './legacy-request-log.js';
import { REQUEST_LOG_DIR, SegmentRequestLog } from './log-segments.js';
import { openPgStore } from './pg/index.js';
import { loadDataKey, secretBox, type DataKeyWrapper } from './secrets.js';
import { sqlRepositories, type Store } from './store.js';

export type { Store } from './store.js';

/** The embedded store, with its database (snapshots and raw SQL, for tests and the bench). */
export interface SqlJsStore extends Store {
  kind: 'sqljs';
  database: StoreDatabase;
}

/** `dataKeyWrapper`: the app's OS keychain, when it has a real one (shell/data-key.ts). */
export async function openStore(dataDir: string, logger: Logger, options: { dataKeyWrapper?: DataKeyWrapper | null } = {}): Promise<SqlJsStore> {
  // The key first: a data dir this process cannot open is refused before it is locked.
  const dataKey = await loadDataKey(dataDir, options.dataKeyWrapper ?? null);
  const requestLog = await SegmentRequestLog.open(dataDir);
  const database = await StoreDatabase.open(dataDir, logger, {
    // Schema 9 drops request_log: its rows move to the segments first (again after a crash in between).
    9: async (reader) => {
      const moved = await requestLog.importRows(legacyLogPages(reader));
      if (moved > 0) logger.log('info', `Moved ${moved} request-log rows out of the key store into ${REQUEST_LOG_DIR}/`);
    },
  });
  const box = secretBox(dataKey.key, dataKey.protection);
  return {
    kind: 'sqljs',
    database,
    ...sqlRepositories(database.connection, box),
    requestLog,
    secretProtection: box.protection,
    close: async () => {
      await requestLog.close();
      await database.close();
    },
  };
}

export interface StoreOptions {
  dataDir: string;
  /** general_settings.database_url or DATABASE_URL; null: the embedded store in the data dir. */
  databaseUrl: string | null;
  logger: Logger;
  env: Record<string, string | undefined>;
  dataKeyWrapper?: DataKeyWrapper | null;
}

/** The store the configuration names: PostgreSQL when a database URL is set, else sql.js. */
export function openConfiguredStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) return openPgStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, logger: options.logger, env: options.env });
  return openStore(options.dataDir, options.logger, { dataKeyWrapper: options.dataKeyWrapper ?? null });
}
