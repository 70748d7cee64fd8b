// The repository tests run against both stores: the embedded sql.js one and PostgreSQL (a
// database of its own per store, on the run's throw-away server). Each store they open records
// which repository methods were called on it, so a suite can check that it ran every one on both.
import { expect, onTestFinished } from 'vitest';
import { MemoryLogger } from '../../electron/core/logger.js';
import type { AlertSettingsRepository } from '../../electron/store/alerts.js';
import type { DeploymentRepository } from '../../electron/store/deployments.js';
import type { Store } from '../../electron/store/index.js';
import type { KeyRepository } from '../../electron/store/keys.js';
import type { McpServerRepository } from '../../electron/store/mcp-servers.js';
import type { ProviderRepository } from '../../electron/store/providers.js';
import type { RoutingRepository } from '../../electron/store/routing.js';
import type { SearchSettingsRepository } from '../../electron/store/search-settings.js';
import type { UsageRepository } from '../../electron/store/usage.js';
import { openPgStore } from '../../electron/store/pg/index.js';
import { tempDir } from './cli.js';
import { createTestDatabase } from './services/postgres.js';
import { freshStore, leaveAsCrashed } from './store.js';

interface OpenedStore {
  store: Store;
  /** The same data opened again: sql.js from its journal after a crash, PostgreSQL in a new pool. */
  reopen: () => Promise<Store>;
}

export interface StoreKind {
  name: 'sql.js' | 'PostgreSQL';
  /** A new, empty store; it is closed when the test finishes. */
  open(): Promise<OpenedStore>;
}

function closeWhenDone(store: Store): Store {
  onTestFinished(() => store.close());
  return store;
}

/** Every method of each repository interface; `Record<keyof …>` makes tsc fail when one is added and not listed here. */
const REPOSITORY_METHODS = {
  keys: names<KeyRepository>({
    create: 1,
    findByHash: 1,
    findById: 1,
    list: 1,
    countByStatus: 1,
    labels: 1,
    naming: 1,
    update: 1,
    setActive: 1,
    replaceSecret: 1,
    resetBudget: 1,
    delete: 1,
    loadAllForAuth: 1,
    onChange: 1,
  }),
  providers: names<ProviderRepository>({ create: 1, list: 1, update: 1, delete: 1, revealKey: 1, revealKeys: 1 }),
  deployments: names<DeploymentRepository>({ create: 1, get: 1, list: 1, update: 1, renameGroup: 1, deleteGroup: 1, delete: 1, onChange: 1 }),
  routing: names<RoutingRepository>({ get: 1, save: 1, onChange: 1 }),
  searchSettings: names<SearchSettingsRepository>({ get: 1, save: 1, reveal: 1 }),
  usage: names<UsageRepository>({ recordBatch: 1, logFacets: 1, dailySpend: 1 }),
  alerts: names<AlertSettingsRepository>({ get: 1, save: 1 }),
  mcpServers: names<McpServerRepository>({ create: 1, list: 1, update: 1, delete: 1, reveal: 1, onChange: 1 }),
} satisfies { [K in RepositoryName]: string[] };

/** The store's SQL repositories (the request log is files on sql.js and a table on PostgreSQL: its own suite). */
type RepositoryName = 'keys' | 'providers' | 'deployments' | 'routing' | 'searchSettings' | 'usage' | 'alerts' | 'mcpServers';

function names<T>(methods: Record<keyof T, 1>): string[] {
  return Object.keys(methods);
}

/** "keys.create" and so on, per store kind, as this test file called them. */
const called = new Map<StoreKind['name'], Set<string>>();

/** The store with each repository behind a proxy that notes the interface methods called. */
function recording(kind: StoreKind['name'], store: Store): Store {
  const seen = called.get(kind) ?? new Set<string>();
  called.set(kind, seen);
  const wrapped: Store = { ...store };
  for (const [repository, methods] of Object.entries(REPOSITORY_METHODS) as Array<[RepositoryName, string[]]>) {
    const target: object = store[repository];
    (wrapped as unknown as Record<RepositoryName, object>)[repository] = new Proxy(target, {
      get(object, property) {
        const value: unknown = Reflect.get(object, property);
        if (typeof property !== 'string' || !methods.includes(property) || typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => {
          seen.add(`${repository}.${property}`);
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
  }
  return wrapped;
}

/** Fails unless this test file called every method of `repository` on every store kind. */
export function expectEveryMethodRan(repository: RepositoryName): void {
  const missing = STORE_KINDS.flatMap((kind) => REPOSITORY_METHODS[repository].filter((method) => !called.get(kind.name)?.has(`${repository}.${method}`)).map((method) => `${repository}.${method} on ${kind.name}`));
  expect(missing).toEqual([]);
}

const sqlJsKind: StoreKind = {
  name: 'sql.js',
  async open() {
    const { store, dir } = await freshStore();
    return {
      store: recording('sql.js', closeWhenDone(store)),
      async reopen() {
        await leaveAsCrashed(dir);
        return recording('sql.js', closeWhenDone((await freshStore(dir)).store));
      },
    };
  },
};

/** A PostgreSQL store on a new database, with its data key file in a new data dir. */
export async function openTestPgStore(databaseUrl?: string, dataDir = tempDir('loopgate-pg-data-')): Promise<{ store: Store; databaseUrl: string; dataDir: string }> {
  const url = databaseUrl ?? (await createTestDatabase());
  return { store: await openPgStore({ databaseUrl: url, dataDir, logger: new MemoryLogger(), env: {} }), databaseUrl: url, dataDir };
}

const postgresKind: StoreKind = {
  name: 'PostgreSQL',
  async open() {
    const { store, databaseUrl, dataDir } = await openTestPgStore();
    return {
      store: recording('PostgreSQL', closeWhenDone(store)),
      reopen: async () => recording('PostgreSQL', closeWhenDone((await openTestPgStore(databaseUrl, dataDir)).store)),
    };
  },
};

export const STORE_KINDS: readonly StoreKind[] = [sqlJsKind, postgresKind];
