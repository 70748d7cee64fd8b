// Routing settings made in the app: one versioned row (id 'global'), absent until first saved.
// A save names the version it read: 0 for the first save, and a stale one is a conflict that
// carries the row as it now is.
import type { ModelGroupAliasSetting, RoutingSettings } from '../../shared/api.js';
import type { RoutingStrategy } from '../../shared/routing.js';
import type { RouteSetting } from '../../shared/routes.js';
import { bool, defineTable, json, nullable, number, pick, textOf, text, updateVersioned, type Columns, ROW_VERSION } from './columns.js';
import { ConflictError } from './errors.js';
import type { SqlConnection, SqlDialect, SqlReader, SqlTx } from './sql.js';

export interface StoredRouting extends RoutingSettings {
  id: string;
  createdAt: number;
  updatedAt: number;
  version: number;
}

const ROW_ID = 'global';

/** The contract's RoutingSettings, column by column. */
const SETTING_COLUMNS = {
  strategy: textOf<RoutingStrategy>('strategy'),
  numRetries: number('num_retries'),
  retryAfterSeconds: number('retry_after_seconds'),
  timeoutSeconds: number('timeout_seconds'),
  streamTimeoutSeconds: nullable(number('stream_timeout_seconds')),
  allowedFails: number('allowed_fails'),
  cooldownSeconds: number('cooldown_seconds'),
  fallbacks: json<Record<string, string[]>>('fallbacks', {}),
  contextWindowFallbacks: json<Record<string, string[]>>('context_window_fallbacks', {}),
  contentPolicyFallbacks: json<Record<string, string[]>>('content_policy_fallbacks', {}),
  defaultFallbacks: json<string[]>('default_fallbacks', []),
  maxFallbacks: number('max_fallbacks'),
  modelGroupAlias: json<Record<string, ModelGroupAliasSetting>>('model_group_alias', {}),
  cache: json<RoutingSettings['cache']>('cache', { enabled: false, ttlSeconds: 600, maxEntries: 1000 }),
  dropParams: bool('drop_params'),
  routes: json<RouteSetting[]>('routes', []),
  offlineFallback: nullable(text('offline_fallback')),
} satisfies Columns<RoutingSettings>;

const SETTINGS = Object.keys(SETTING_COLUMNS) as Array<keyof RoutingSettings>;

export const ROUTING = defineTable<StoredRouting>('routing_settings', {
  id: text('id'),
  ...SETTING_COLUMNS,
  ...ROW_VERSION,
});

/** How a change to the model groups rewrites the stored routing settings (a rename, a removal). */
export type RoutingRewrite = (settings: RoutingSettings) => RoutingSettings;

export type RoutingListener = () => void;

export interface RoutingRepository {
  /** The app's routing settings; null until first saved. */
  get(): Promise<StoredRouting | null>;
  /** Saves every setting; `expectedVersion` 0 means "never saved yet". A stale one: ConflictError carrying the row (or null). */
  save(settings: RoutingSettings, expectedVersion: number, now: number): Promise<StoredRouting>;
  onChange(listener: RoutingListener): void;
}

/** `lock`: the dialect's FOR UPDATE, inside a transaction that writes what it read. */
async function readRow(reader: SqlReader, lock = ''): Promise<StoredRouting | null> {
  return (await ROUTING.get(reader, `WHERE id = ? ${lock}`, [ROW_ID])) ?? null;
}

/** Inside another repository's transaction: applies `rewrite` to the stored row, if any; true when it changed. */
export async function rewriteRouting(tx: SqlTx, dialect: SqlDialect, rewrite: RoutingRewrite, now: number): Promise<boolean> {
  const row = await readRow(tx, dialect.forUpdate);
  if (!row) return false;
  const before = pick(row, SETTINGS);
  const after = pick(rewrite(structuredClone(before)), SETTINGS);
  if (JSON.stringify(after) === JSON.stringify(before)) return false;
  await updateVersioned(tx, ROUTING, { id: ROW_ID, set: { ...after, updatedAt: now }, expectedVersion: undefined, noun: 'routing settings', view: (current) => current });
  return true;
}

export class SqlRoutingRepository implements RoutingRepository {
  private readonly listeners: RoutingListener[] = [];

  constructor(private readonly db: SqlConnection) {}

  onChange(listener: RoutingListener): void {
    this.listeners.push(listener);
  }

  get(): Promise<StoredRouting | null> {
    return readRow(this.db);
  }

  async save(settings: RoutingSettings, expectedVersion: number, now: number): Promise<StoredRouting> {
    const fields = pick(settings, SETTINGS);
    const row = await this.db.transaction(async (tx) => {
      // Read (locked), check and write in one transaction: a stale version is a conflict carrying
      // the row as it now is (null: still never saved).
      const current = await readRow(tx, this.db.dialect.forUpdate);
      if ((current?.version ?? 0) !== expectedVersion) throw new ConflictError(current);
      if (current) return updateVersioned(tx, ROUTING, { id: ROW_ID, set: { ...fields, updatedAt: now }, expectedVersion, noun: 'routing settings', view: (row) => row });
      // A first save: on PostgreSQL another instance's may be inserting too; the primary key picks one.
      const inserted = await ROUTING.insert(tx, { id: ROW_ID, ...fields, createdAt: now, updatedAt: now }, 'ON CONFLICT (id) DO NOTHING');
      if (!inserted) throw new ConflictError(await readRow(tx));
      return inserted;
    });
    this.changed();
    return row;
  }

  /** Tells the gateway to apply the routing again (also after a group rename rewrote the row). */
  changed(): void {
    for (const listener of this.listeners) listener();
  }
}
