// The repository tests run against both stores: the embedded sql.js one and PostgreSQL (a
// database of its own per store, on the run's throw-away server).
import { onTestFinished } from 'vitest';
import { MemoryLogger } from '../../electron/core/logger.js';
import type { Store } from '../../electron/store/index.js';
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

const sqlJsKind: StoreKind = {
  name: 'sql.js',
  async open() {
    const { store, dir } = await freshStore();
    return {
      store: closeWhenDone(store),
      async reopen() {
        await leaveAsCrashed(dir);
        return closeWhenDone((await freshStore(dir)).store);
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
      store: closeWhenDone(store),
      reopen: async () => closeWhenDone((await openTestPgStore(databaseUrl, dataDir)).store),
    };
  },
};

export const STORE_KINDS: readonly StoreKind[] = [sqlJsKind, postgresKind];
