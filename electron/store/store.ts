// The store as the layers above see it: the repositories, however they are kept (sql.js in the
// data dir, or PostgreSQL on a team server).
import type { StoreChanges } from './changes.js';
import type { DeploymentRepository } from './deployments.js';
import type { KeyRepository } from './keys.js';
import type { ProviderRepository } from './providers.js';
import type { RoutingRepository } from './routing.js';
import type { RequestLogRepository } from './request-log.js';
import type { UsageRepository } from './usage.js';

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
  /** How provider secrets are protected at rest. */
  secretProtection: 'key-file' | 'os-keychain';
  /** Change notices in and out, for instances sharing one database (changes.ts). */
  changes: StoreChanges;
  close(): Promise<void>;
}
