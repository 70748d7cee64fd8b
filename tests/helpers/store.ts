// Fresh stores in temp dirs, stores stopped at an old schema version, and key fixtures.
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import { expect } from 'vitest';
import { MemoryLogger } from '../../electron/core/logger.js';
import { loadSqlJs, SNAPSHOT_FILE, type StoreDatabase } from '../../electron/store/database.js';
import { LOCK_FILE } from '../../electron/store/files.js';
import { Bloom } from '../../electron/store/log-bloom.js';
import { REQUEST_LOG_DIR } from '../../electron/store/log-segments.js';
import { openStore, type SqlJsStore, type Store } from '../../electron/store/index.js';
import { emptySettings, type NewKey } from '../../electron/store/keys.js';
import { applyMigrations, SCHEMA_VERSION } from '../../electron/store/migrations/index.js';
import { randomBase62 } from '../../electron/store/secrets.js';
import type { RequestLogEntry } from '../../electron/store/request-log.js';
import type { StoredDeployment } from '../../electron/store/deployments.js';
import type { RoutingSettings } from '../../shared/api.js';
import { tempDir } from './cli.js';

export async function freshStore(dir = tempDir('loopgate-store-')): Promise<{ store: SqlJsStore; dir: string; logger: MemoryLogger }> {
  const logger = new MemoryLogger();
  return { store: await openStore(dir, logger), dir, logger };
}

/**
 * Leaves `dir` as kill -9 would: a store never closed (so no snapshot) and its lock behind. A
 * dead pid's lock is taken over, but this process is alive, so the lock goes as the dead one's would.
 */
export async function leaveAsCrashed(dir: string): Promise<void> {
  await rm(join(dir, LOCK_FILE));
}

/**
 * A data dir whose store.sqlite has had only the migrations up to `version` (0: none). `seed`
 * writes rows in that version's shape, with foreign keys unenforced as the old code ran them;
 * opening the dir with `freshStore` then migrates it to the latest version.
 */
export async function storeAtVersion(version: number, seed: (db: Database) => void = () => undefined, dir = tempDir('loopgate-store-')): Promise<string> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  try {
    applyMigrations(db, version);
    seed(db);
    await writeFile(join(dir, SNAPSHOT_FILE), db.export());
  } finally {
    db.close();
  }
  return dir;
}

/** Opens `dir` as the app would (migrating it), checks it reached the latest schema, runs `check` and closes the store whatever happens. */
export async function afterMigration(dir: string, check: (store: SqlJsStore) => Promise<void>): Promise<void> {
  const { store } = await freshStore(dir);
  try {
    expect(schemaVersion(store)).toBe(SCHEMA_VERSION);
    await check(store);
  } finally {
    await store.close();
  }
}

/** Routing settings at the app's defaults, with `overrides` on top. */
export function routingSettings(overrides: Partial<RoutingSettings> = {}): RoutingSettings {
  return {
    strategy: 'simple-shuffle',
    numRetries: 2,
    retryAfterSeconds: 0,
    timeoutSeconds: 600,
    streamTimeoutSeconds: null,
    allowedFails: 3,
    cooldownSeconds: 5,
    fallbacks: {},
    contextWindowFallbacks: {},
    contentPolicyFallbacks: {},
    defaultFallbacks: [],
    maxFallbacks: 5,
    routes: [],
    modelGroupAlias: {},
    cache: { enabled: false, ttlSeconds: 600, maxEntries: 1000 },
    dropParams: false,
    offlineFallback: null,
    ...overrides,
  };
}

/** A deployment row as the store reads it back: every setting not given is null (the routing default), enabled. */
export function storedDeployment(row: Pick<StoredDeployment, 'id' | 'modelName' | 'providerId' | 'upstreamModel' | 'createdAt' | 'updatedAt' | 'version'> & Partial<StoredDeployment>): StoredDeployment {
  return {
    weight: null,
    order: null,
    rpm: null,
    tpm: null,
    timeoutSeconds: null,
    enabled: true,
    inputCostPerToken: null,
    outputCostPerToken: null,
    dropParams: null,
    ...row,
  };
}

/** The sql.js database under a store, for tests that read raw SQL; fails for any other store. */
export function sqlJsDatabase(store: Store): StoreDatabase {
  if (store.kind !== 'sqljs') throw new Error(`this test reads the sql.js database, but the store is ${store.kind}`);
  return (store as SqlJsStore).database;
}

export function schemaVersion(store: SqlJsStore): number {
  return store.database.get<{ user_version: number }>('PRAGMA user_version')!.user_version;
}

let clock = 1_800_000_000_000;

export function newKey(overrides: Partial<NewKey> = {}): NewKey {
  const secret = `sk-lg-${randomBase62(40)}`;
  return {
    id: `key_${randomBase62(12)}`,
    keyHash: createHash('sha256').update(secret).digest('hex'),
    keyPrefix: secret.slice(0, 10),
    createdAt: clock++,
    createdBy: null,
    ...emptySettings(),
    ...overrides,
  };
}

/** A request-log row: a 200 on `gpt-4o` by the master key, served first try, with the fields given. */
export function logRow(fields: Partial<RequestLogEntry> & { id: string }): RequestLogEntry {
  return {
    time: Date.now(),
    keyId: null,
    model: 'gpt-4o',
    deployment: 'gpt-4o#0',
    status: 200,
    latencyMs: 10,
    promptTokens: 3,
    completionTokens: 4,
    totalTokens: 7,
    cost: 0.5,
    requestBody: null,
    responseBody: null,
    attemptCount: 1,
    attempts: null,
    errorCode: null,
    errorMessage: null,
    callType: 'chat',
    cacheHit: false,
    client: null,
    responseId: null,
    session: null,
    project: null,
    route: 'default',
    tokenParts: null,
    replayOf: null,
    mcp: null,
    ...fields,
  };
}

/** A sealed log segment of one row as an older version wrote it (the row without its newer fields), with the summary it wrote then. */
export async function writeOldSegment(dir: string, row: Record<string, unknown> & { id: string; time: number }): Promise<void> {
  const line = `${JSON.stringify(row)}\n`;
  const name = `${row.time}-000000.ndjson`;
  await mkdir(join(dir, REQUEST_LOG_DIR));
  await writeFile(join(dir, REQUEST_LOG_DIR, name), line);
  const summary = { bytes: Buffer.byteLength(line), rows: 1, minTime: row.time, maxTime: row.time, okRows: 1, errorRows: 0, bloom: Bloom.of([`i:${row.id}`, 'k:', 'm:gpt-4o'], 3).toBase64() };
  await writeFile(join(dir, REQUEST_LOG_DIR, `${name}.summary.json`), JSON.stringify(summary));
}
