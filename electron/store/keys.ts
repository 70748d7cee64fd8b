// Virtual keys: the repository interface and its one implementation, over either store's SQL
// connection (sql.ts). Every edit is a versioned update; counters are atomic increments.
import type { CaptureMode, KeyFilter, KeySettings, KeyStatus, ModelBudget, VirtualKey } from '../../shared/keys.js';
import { bool, defineTable, emptyRecord, json, nullable, number, pick, placeholders, text, textOf, updateVersioned, Where, type Columns, ROW_VERSION } from './columns.js';
import type { SqlConnection, SqlDialect, SqlReader, SqlTx } from './sql.js';

export type StoredKey = VirtualKey & { keyHash: string };

/** The contract's KeySettings, column by column: the counters and bookkeeping columns are not in it. */
const SETTING_COLUMNS = {
  keyAlias: nullable(text('key_alias')),
  userId: nullable(text('user_id')),
  teamId: nullable(text('team_id')),
  models: json<string[]>('models', []),
  aliases: json<Record<string, string>>('aliases', {}),
  rpmLimit: nullable(number('rpm_limit')),
  tpmLimit: nullable(number('tpm_limit')),
  maxParallelRequests: nullable(number('max_parallel_requests')),
  maxBudget: nullable(number('max_budget')),
  budgetDuration: nullable(text('budget_duration')),
  budgetResetAt: nullable(number('budget_reset_at')),
  expiresAt: nullable(number('expires_at')),
  blocked: bool('blocked'),
  metadata: json<Record<string, unknown>>('metadata', {}),
  tags: json<string[]>('tags', []),
  softBudget: nullable(number('soft_budget')),
  modelMaxBudget: json<Record<string, ModelBudget>>('model_max_budget', {}),
  modelRpmLimit: json<Record<string, number>>('model_rpm_limit', {}),
  modelTpmLimit: json<Record<string, number>>('model_tpm_limit', {}),
  capture: nullable(textOf<CaptureMode>('capture')),
} satisfies Columns<KeySettings>;

const SETTINGS = Object.keys(SETTING_COLUMNS) as Array<keyof KeySettings>;

/** The virtual_keys table: every column, once. */
export const KEYS = defineTable<StoredKey>('virtual_keys', {
  id: text('id'), // stable across regeneration
  keyHash: text('key_hash'),
  keyPrefix: text('key_prefix'),
  ...SETTING_COLUMNS,
  ...ROW_VERSION,
  createdBy: nullable(text('created_by')),
  // Counters: atomic increments (applyKeyUsage), never part of a versioned update.
  spend: number('spend'),
  totalSpend: number('total_spend'),
  totalRequests: number('total_requests'),
  totalTokens: number('total_tokens'),
  lastUsedAt: nullable(number('last_used_at')),
});

/** A key with nothing set: every model, no limits, no budget, no expiry. */
export function emptySettings(): KeySettings {
  return emptyRecord<KeySettings>(SETTING_COLUMNS);
}

export interface NewKey extends KeySettings {
  id: string;
  keyHash: string;
  keyPrefix: string;
  createdAt: number;
  createdBy: string | null;
}

export interface KeyListQuery {
  status?: KeyFilter;
  userId?: string;
  teamId?: string;
  keyAlias?: string;
  /** Case-insensitive substring of the alias, the secret's prefix or the id. */
  search?: string;
  page: number;
  size: number;
  now: number;
}

export interface KeyUsageIncrement {
  keyId: string;
  requests: number;
  tokens: number;
  cost: number;
  lastUsedAt: number;
}

export type KeyChangeListener = (id: string, key: StoredKey | null) => void;

export interface KeyRepository {
  create(key: NewKey): Promise<VirtualKey>;
  findByHash(keyHash: string): Promise<VirtualKey | null>;
  findById(id: string): Promise<VirtualKey | null>;
  list(query: KeyListQuery): Promise<{ keys: VirtualKey[]; total: number }>;
  countByStatus(now: number): Promise<Record<KeyStatus, number>>;
  /** Display labels (alias, else the secret's prefix) for the given key ids that exist. */
  labels(ids: readonly string[]): Promise<Map<string, string>>;
  /** Keys whose allowed models, or whose own aliases, name `model`: what removing it would break. */
  naming(model: string): Promise<Array<{ id: string; label: string }>>;
  /** Replaces every setting; `expectedVersion` undefined means "whatever is there". */
  update(id: string, settings: KeySettings, expectedVersion?: number): Promise<VirtualKey>;
  setActive(id: string, active: boolean, expectedVersion?: number): Promise<VirtualKey>;
  /** Swaps the secret (regenerate); settings and counters stay. */
  replaceSecret(id: string, secret: { keyHash: string; keyPrefix: string }, expectedVersion?: number): Promise<VirtualKey>;
  resetBudget(id: string, nextResetAt: number): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Every key with its hash, for the gateway's in-memory auth cache. */
  loadAllForAuth(): Promise<StoredKey[]>;
  onChange(listener: KeyChangeListener): void;
}

/** The public record: everything but the hash. */
function withoutHash(key: StoredKey): VirtualKey {
  const { keyHash: _hash, ...rest } = key;
  return rest;
}

/** A new key's row (its counters start at their column defaults). */
function newKeyRow(key: NewKey): Partial<StoredKey> {
  return { ...pick(key, ['id', 'keyHash', 'keyPrefix', 'createdAt', 'createdBy', ...SETTINGS]), updatedAt: key.createdAt };
}

/** The list's filters as SQL. */
function keyListWhere(query: KeyListQuery): Where {
  const where = new Where();
  if (query.status === 'over_budget') where.add(OVER_BUDGET_WHERE, query.now, query.now);
  // The app's "active": the keys that are served (one refused for its spent budget is over_budget there).
  else if (query.status === 'served') where.add(`${STATUS_WHERE.active} AND NOT (${SPENT_BUDGET})`, query.now, query.now);
  else if (query.status) where.add(STATUS_WHERE[query.status], ...(query.status === 'revoked' ? [] : [query.now]));
  where.when(query.userId || undefined, 'user_id = ?');
  where.when(query.teamId || undefined, 'team_id = ?');
  where.when(query.keyAlias || undefined, 'key_alias = ?');
  const needle = query.search?.trim().toLowerCase();
  if (needle) {
    // LIKE with an escape, so % and _ typed in a search are matched literally.
    const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.add("(lower(COALESCE(key_alias, '')) LIKE ? ESCAPE '\\' OR lower(key_prefix) LIKE ? ESCAPE '\\' OR lower(id) LIKE ? ESCAPE '\\')", pattern, pattern, pattern);
  }
  return where;
}

const STATUS_WHERE: Record<KeyStatus, string> = {
  revoked: 'blocked = 1',
  expired: 'blocked = 0 AND expires_at IS NOT NULL AND expires_at <= ?',
  active: 'blocked = 0 AND (expires_at IS NULL OR expires_at > ?)',
};

/** Spend reached the budget and the reset is not due: refused until the budget resets. */
const SPENT_BUDGET = 'max_budget IS NOT NULL AND spend >= max_budget AND (budget_reset_at IS NULL OR budget_reset_at > ?)';
/** Not revoked or expired, but refused for its budget (the app's "over budget"). */
const OVER_BUDGET_WHERE = `${STATUS_WHERE.active} AND ${SPENT_BUDGET}`;

/** Display label: the alias, else the secret's prefix. */
function label(row: { key_alias: string | null; key_prefix: string }): string {
  return row.key_alias ?? `${row.key_prefix}…`;
}

export class SqlKeyRepository implements KeyRepository {
  private readonly listeners: KeyChangeListener[] = [];

  constructor(
    private readonly db: SqlConnection,
    private readonly clock: () => number = Date.now,
  ) {}

  onChange(listener: KeyChangeListener): void {
    this.listeners.push(listener);
  }

  async create(key: NewKey): Promise<VirtualKey> {
    const fields = newKeyRow(key);
    const row = await this.db.transaction(async (tx) => (await KEYS.insert(tx, fields))!);
    return this.changed(row);
  }

  async findByHash(keyHash: string): Promise<VirtualKey | null> {
    const row = await KEYS.get(this.db, 'WHERE key_hash = ?', [keyHash]);
    return row ? withoutHash(row) : null;
  }

  async findById(id: string): Promise<VirtualKey | null> {
    const row = await this.row(this.db, id);
    return row ? withoutHash(row) : null;
  }

  async list(query: KeyListQuery): Promise<{ keys: VirtualKey[]; total: number }> {
    const where = keyListWhere(query);
    const total = (await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM virtual_keys ${where.sql}`, where.params))?.n ?? 0;
    const rows = await KEYS.all(this.db, `${where.sql} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`, [...where.params, query.size, (query.page - 1) * query.size]);
    return { keys: rows.map(withoutHash), total };
  }

  async countByStatus(now: number): Promise<Record<KeyStatus, number>> {
    const row = await this.db.get<Record<KeyStatus, number>>(
      `SELECT COUNT(*) FILTER (WHERE ${STATUS_WHERE.active}) AS active, COUNT(*) FILTER (WHERE ${STATUS_WHERE.revoked}) AS revoked,
              COUNT(*) FILTER (WHERE ${STATUS_WHERE.expired}) AS expired FROM virtual_keys`,
      [now, now],
    );
    return { active: row?.active ?? 0, revoked: row?.revoked ?? 0, expired: row?.expired ?? 0 };
  }

  async labels(ids: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)].filter(Boolean);
    if (unique.length === 0) return new Map();
    const rows = await this.db.all<{ id: string; key_alias: string | null; key_prefix: string }>(`SELECT id, key_alias, key_prefix FROM virtual_keys WHERE id IN (${placeholders(unique.length)})`, unique);
    return new Map(rows.map((row) => [row.id, label(row)]));
  }

  async naming(model: string): Promise<Array<{ id: string; label: string }>> {
    const { dialect } = this.db;
    const rows = await this.db.all<{ id: string; key_alias: string | null; key_prefix: string }>(
      `SELECT id, key_alias, key_prefix FROM virtual_keys
       WHERE EXISTS (SELECT 1 FROM ${dialect.jsonArrayValues('virtual_keys.models')} WHERE value = ?)
          OR EXISTS (SELECT 1 FROM ${dialect.jsonObjectValues('virtual_keys.aliases')} WHERE value = ?)
       ORDER BY created_at, id`,
      [model, model],
    );
    return rows.map((row) => ({ id: row.id, label: label(row) }));
  }

  update(id: string, settings: KeySettings, expectedVersion?: number): Promise<VirtualKey> {
    return this.versioned(id, pick(settings, SETTINGS), expectedVersion);
  }

  setActive(id: string, active: boolean, expectedVersion?: number): Promise<VirtualKey> {
    return this.versioned(id, { blocked: !active }, expectedVersion);
  }

  replaceSecret(id: string, secret: { keyHash: string; keyPrefix: string }, expectedVersion?: number): Promise<VirtualKey> {
    return this.versioned(id, { keyHash: secret.keyHash, keyPrefix: secret.keyPrefix }, expectedVersion);
  }

  async resetBudget(id: string, nextResetAt: number): Promise<void> {
    await this.db.run('UPDATE virtual_keys SET spend = 0, budget_reset_at = ? WHERE id = ?', [nextResetAt, id]);
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.db.run('DELETE FROM virtual_keys WHERE id = ?', [id]);
    if (deleted > 0) this.emit(id, null);
    return deleted > 0;
  }

  loadAllForAuth(): Promise<StoredKey[]> {
    return KEYS.all(this.db);
  }

  /** One key with its hash, as another instance left it (see changes.ts). */
  async findForAuth(id: string): Promise<StoredKey | null> {
    return (await this.row(this.db, id)) ?? null;
  }

  /** Tells this process's listeners of a key another instance changed. */
  announce(id: string, key: StoredKey | null): void {
    this.emit(id, key);
  }

  private row(reader: SqlReader, id: string): Promise<StoredKey | undefined> {
    return KEYS.get(reader, 'WHERE id = ?', [id]);
  }

  /** `UPDATE ... WHERE id = ? AND version = ?`: bumps the version, or fails with the current row. */
  private async versioned(id: string, fields: Partial<StoredKey>, expectedVersion?: number): Promise<VirtualKey> {
    const row = await this.db.transaction((tx) => updateVersioned(tx, KEYS, { id, set: { ...fields, updatedAt: this.clock() }, expectedVersion, noun: 'key', view: withoutHash }));
    return this.changed(row);
  }

  private changed(row: StoredKey): VirtualKey {
    this.emit(row.id, row);
    return withoutHash(row);
  }

  private emit(id: string, key: StoredKey | null): void {
    for (const listener of this.listeners) listener(id, key);
  }
}

/** Counter increments: atomic, so concurrent requests never lose one and never conflict; in key
 * order, so two instances' batches on one PostgreSQL never deadlock. */
export function applyKeyUsage(tx: SqlTx, dialect: SqlDialect, increments: readonly KeyUsageIncrement[]): Promise<number> {
  const ordered = [...increments].sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
  return tx.runEach(
    `UPDATE virtual_keys SET spend = spend + ?, total_spend = total_spend + ?, total_requests = total_requests + ?,
       total_tokens = total_tokens + ?, last_used_at = ${dialect.greatest}(COALESCE(last_used_at, 0), ?) WHERE id = ?`,
    ordered.map((inc) => [inc.cost, inc.cost, inc.requests, inc.tokens, inc.lastUsedAt, inc.keyId]),
  );
}
