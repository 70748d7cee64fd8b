// Store owns everything Loopgate remembers: the sql.js database in the data dir, its journal
// and snapshots, and the repositories over it (keys, usage aggregates, provider credentials,
// deployments, routing settings); and the request log, in segment files beside it.
// Each table's columns are declared once, in its repository's column map (see columns.ts).
import type { Logger } from '../core/logger.js';
import { StoreDatabase } from './database.js';
import { legacyLogPages } from './legacy-request-log.js';
import { REQUEST_LOG_DIR, SegmentRequestLog } from './log-segments.js';
import type { RequestLogRepository } from './request-log.js';
import { SqlJsDeploymentRepository, type DeploymentRepository } from './deployments.js';
import { SqlJsKeyRepository, type KeyRepository } from './keys.js';
import { SqlJsProviderRepository, type ProviderRepository } from './providers.js';
import { SqlJsRoutingRepository, type RoutingRepository } from './routing.js';
import { loadDataKey, secretBox, type DataKeyWrapper } from './secrets.js';
import { SqlJsUsageRepository, type UsageRepository } from './usage.js';

export interface Store {
  keys: KeyRepository;
  usage: UsageRepository;
  requestLog: RequestLogRepository;
  providers: ProviderRepository;
  deployments: DeploymentRepository;
  routing: RoutingRepository;
  /** How provider secrets are protected at rest. */
  secretProtection: 'key-file' | 'os-keychain';
  database: StoreDatabase;
  close(): Promise<void>;
}

/** `dataKeyWrapper`: the app's OS keychain, when it has a real one (shell/data-key.ts). */
export async function openStore(dataDir: string, logger: Logger, options: { dataKeyWrapper?: DataKeyWrapper | null } = {}): Promise<Store> {
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
  const routing = new SqlJsRoutingRepository(database);
  // A group rename or removal rewrites the routing settings in the same transaction; their listeners hear of it.
  const deployments = new SqlJsDeploymentRepository(database, () => routing.changed());
  return {
    database,
    keys: new SqlJsKeyRepository(database),
    usage: new SqlJsUsageRepository(database),
    requestLog,
    // A provider's delete takes its deployments along (foreign key); their listeners hear of it.
    providers: new SqlJsProviderRepository(database, box, () => deployments.changed()),
    deployments,
    routing,
    secretProtection: box.protection,
    close: async () => {
      await requestLog.close();
      await database.close();
    },
  };
}
