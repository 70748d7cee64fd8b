// The PostgreSQL store: the same repositories as the sql.js store, over a connection pool, for a
// team server where several instances share one database. Chosen by general_settings.database_url
// or DATABASE_URL; the embedded sql.js store stays the default. No lock file: instances share
// the database, and the database serialises their writes (versioned updates, atomic counters).
import type { Logger } from '../../core/logger.js';
import { sqlRepositories, type Store } from '../store.js';
import { secretBox } from '../secrets.js';
import { PgChangeFeed } from './change-feed.js';
import { checkDataKey, loadServerDataKey } from './data-key.js';
import { PgDatabase } from './database.js';
import { applyPgMigrations } from './migrations/index.js';
import { PgRequestLog } from './request-log.js';

export interface PgStoreOptions {
  databaseUrl: string;
  /** Holds the data key file when LOOPGATE_DATA_KEY is not set. */
  dataDir: string;
  logger: Logger;
  env: Record<string, string | undefined>;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

export async function openPgStore(options: PgStoreOptions): Promise<Store> {
  const { logger } = options;
  const dataKey = await loadServerDataKey(options.dataDir, options.env);
  const db = PgDatabase.connect(options.databaseUrl, { max: options.poolSize ?? 10 });
  let feed: PgChangeFeed | null = null;
  try {
    const applied = await applyPgMigrations(db);
    if (applied > 0) logger.log('info', `Applied ${applied} schema migration(s) to ${db.label}.`);
    const box = secretBox(dataKey.key, 'key-file');
    await checkDataKey(db, box, dataKey.source, logger);
    const repositories = sqlRepositories(db, box);
    const { keys, changes } = repositories;
    // The keys this instance knows, so a resync also drops those deleted while it was not listening.
    let knownKeyIds = new Set((await keys.loadAllForAuth()).map((key) => key.id));
    keys.onChange((id, key) => void (key ? knownKeyIds.add(id) : knownKeyIds.delete(id)));
    const resync = async (): Promise<void> => {
      const current = await keys.loadAllForAuth();
      const present = new Set(current.map((key) => key.id));
      for (const id of knownKeyIds) if (!present.has(id)) await changes.applyRemoteChange({ table: 'keys', id });
      knownKeyIds = present;
      for (const key of current) await changes.applyRemoteChange({ table: 'keys', id: key.id });
      await changes.applyRemoteChange({ table: 'deployments' });
      await changes.applyRemoteChange({ table: 'routing' });
      await changes.applyRemoteChange({ table: 'mcp' });
    };
    const apply = (promise: Promise<void>): void => {
      promise.catch((error: unknown) => logger.log('warn', `Could not apply another instance's change: ${String(error)}`));
    };
    feed = await PgChangeFeed.start(options.databaseUrl, db, { remote: (change) => apply(changes.applyRemoteChange(change)), resync: () => apply(resync()) }, logger);
    const publisher = feed;
    let closing: Promise<void> | null = null;
    changes.onLocalChange((change) => publisher.publish(change));
    return {
      kind: 'postgres',
      ...repositories,
      requestLog: new PgRequestLog(db),
      secretProtection: box.protection,
      close: () =>
        (closing ??= (async () => {
          await publisher.close();
          await db.close();
        })()),
    };
  } catch (error) {
    await feed?.close();
    await db.close();
    throw error;
  }
}
