// The store as the layers above see it: the repositories, however they are kept (sql.js in the
// data dir, or PostgreSQL on a team server), and the one way they are built over either's connection.
import { SqlAlertSettingsRepository, type AlertSettingsRepository } from './alerts.js';
import { trackChanges, type StoreChanges } from './changes.js';
import { SqlDeploymentRepository, type DeploymentRepository } from './deployments.js';
import { SqlKeyRepository, type KeyRepository } from './keys.js';
import { SqlMcpServerRepository, type McpServerRepository } from './mcp-servers.js';
import { SqlProviderRepository, type ProviderRepository } from './providers.js';
import { SqlRoutingRepository, type RoutingRepository } from './routing.js';
import { SqlSearchSettingsRepository, type SearchSettingsRepository } from './search-settings.js';
import type { RequestLogRepository } from './request-log.js';
import type { SecretBox } from './secrets.js';
import type { SqlConnection } from './sql.js';
import { SqlUsageRepository, type UsageRepository } from './usage.js';

export interface Store {
  /** The embedded sql.js store (one process, one data dir) or PostgreSQL (shared by instances). */
  kind: 'sqljs' | 'postgres';
  keys: KeyRepository;
  /** Aggregates: daily totals and the keys' counters. */
  usage: UsageRepository;
  /** One row per request, with retention: segment files beside sql.js, a table on PostgreSQL. */
  requestLog: RequestLogRepository;
  providers: ProviderRepository;
  deployments: DeploymentRepository;
  routing: RoutingRepository;
  /** The web search provider made in the app (its key sealed). */
  searchSettings: SearchSettingsRepository;
  alerts: AlertSettingsRepository;
  /** MCP servers added in the app (env values and headers sealed). */
  mcpServers: McpServerRepository;
  /** How provider secrets are protected at rest. */
  secretProtection: 'key-file' | 'os-keychain';
  /** Change notices in and out, for instances sharing one database (changes.ts). */
  changes: StoreChanges;
  close(): Promise<void>;
}

/** The repositories over one store's connection, each telling the others' listeners what it changed for them. */
export function sqlRepositories(db: SqlConnection, box: SecretBox) {
  const routing = new SqlRoutingRepository(db);
  // A group rename or removal rewrites the routing settings in the same transaction; their listeners hear of it.
  const deployments = new SqlDeploymentRepository(db, () => routing.changed());
  const keys = new SqlKeyRepository(db);
  const mcpServers = new SqlMcpServerRepository(db, box);
  return {
    keys,
    usage: new SqlUsageRepository(db),
    // A provider's delete takes its deployments along (foreign key); their listeners hear of it.
    providers: new SqlProviderRepository(db, box, () => deployments.changed()),
    deployments,
    routing,
    searchSettings: new SqlSearchSettingsRepository(db, box),
    alerts: new SqlAlertSettingsRepository(db, box),
    mcpServers,
    changes: trackChanges({ keys, deployments, routing, mcpServers }),
  };
}
