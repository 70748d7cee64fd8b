// Virtual keys: the repository interface (a server database implements it later) and its
// sql.js implementation. Every edit is a versioned update; counters are atomic increments.
import type { KeyStatus, VirtualKey } from '../../shared/keys.js';
import type { Reader, StoreDatabase, Tx } from './database.js';
import { ConflictError, NotFoundError } from './errors.js';
import type { SqlParam } from './journal.js';

/** What a caller may set on a key; the counters and bookkeeping columns are not in it. */
export type KeySettings = Pick<
  VirtualKey,
  | 'keyAlias'
  | 'userId'
  | 'teamId'
  | 'models'
  | 'aliases'
  | 'rpmLimit'
  | 'tpmLimit'
  | 'maxParallelRequests'
  | 'maxBudget'
  | 'budgetDuration'
  | 'budgetResetAt'
  | 'expiresAt'
  | 'blocked'
  | 'metadata'
>;

/** A key with nothing set: every model, no limits, no budget, no expiry. */
export function emptySettings(): KeySettings {
  return {
    keyAlias: null,
    userId: null,
    teamId: null,
    models: [],
    aliases: {},
    rpmLimit: null,
    tpmLimit: null,
    maxParallelRequests: null,
    maxBudget: null,
    budgetDuration: null,
    budgetResetAt: null,
    expiresAt: null,
    blocked: false,
    metadata: {},
  };
}

export interface NewKey extends KeySettings {
  id: string;
  keyHash: string;
  keyPrefix: string;
  createdAt: number;
}

export interface KeyListQuery {
  status?: KeyStatus;
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

export type KeyChangeListener = (id: string, key: (VirtualKey & { keyHash: string }) | null) => void;

export interface KeyRepository {
  create(key: NewKey): Promise<VirtualKey>;
  findByHash(keyHash: string): Promise<VirtualKey | null>;
  findById(id: string): Promise<VirtualKey | null>;
  listByOwner(owner: { userId?: string; teamId?: string }): Promise<VirtualKey[]>;
  list(query: KeyListQuery): Promise<{ keys: VirtualKey[]; total: number }>;
  countByStatus(now: number): Promise<Record<KeyStatus, number>>;
  /** Display labels (alias, else the secret's prefix) for the given key ids that exist. */
  labels(ids: readonly string[]): Promise<Map<string, string>>;
  /** Replaces every setting; `expectedVersion` undefined means "whatever is there". */
  update(id: string, settings: KeySettings, expectedVersion?: number): Promise<VirtualKey>;
  setActive(id: string, active: boolean, expectedVersion?: number): Promise<VirtualKey>;
  updateModels(id: string, models: string[], expectedVersion?: number): Promise<VirtualKey>;
  updateRateLimits(
    id: string,
    limits: Pick<KeySettings, 'rpmLimit' | 'tpmLimit' | 'maxParallelRequests'>,
    expectedVersion?: number,
  ): Promise<VirtualKey>;
  updateExpiry(id: string, expiresAt: number | null, expectedVersion?: number): Promise<VirtualKey>;
  /** Swaps the secret (regenerate); settings and counters stay. */
  replaceSecret(id: string, secret: { keyHash: string; keyPrefix: string }, expectedVersion?: number): Promise<VirtualKey>;
  recordUsage(increments: KeyUsageIncrement[]): Promise<void>;
  resetBudget(id: string, nextResetAt: number): Promise<void>;
  delete(id: string): Promise<boolean>;
  deleteExpired(now: number): Promise<number>;
  /** Every key with its hash, for the gateway's in-memory auth cache. */
  loadAllForAuth(): Promise<Array<VirtualKey & { keyHash: string }>>;
  onChange(listener: KeyChangeListener): void;
}

interface KeyRow {
  id: string;
  key_hash: string;
  key_prefix: string;
  key_alias: string | null;
  user_id: string | null;
  team_id: string | null;
  models: string;
  aliases: string;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  max_budget: number | null;
  budget_duration: string | null;
  budget_reset_at: number | null;
  expires_at: number | null;
  blocked: number;
  metadata: string;
  created_at: number;
  updated_at: number;
  version: number;
  spend: number;
  total_spend: number;
  total_requests: number;
  total_tokens: number;
  last_used_at: number | null;
}

function toKey(row: KeyRow): VirtualKey & { keyHash: string } {
  return {
    id: row.id,
    keyHash: row.key_hash,
    keyPrefix: row.key_prefix,
    keyAlias: row.key_alias,
    userId: row.user_id,
    teamId: row.team_id,
    models: JSON.parse(row.models) as string[],
    aliases: JSON.parse(row.aliases) as Record<string, string>,
    rpmLimit: row.rpm_limit,
    tpmLimit: row.tpm_limit,
    maxParallelRequests: row.max_parallel_requests,
    maxBudget: row.max_budget,
    budgetDuration: row.budget_duration,
    budgetResetAt: row.budget_reset_at,
    expiresAt: row.expires_at,
    blocked: row.blocked === 1,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
    spend: row.spend,
    totalSpend: row.total_spend,
    totalRequests: row.total_requests,
    totalTokens: row.total_tokens,
    lastUsedAt: row.last_used_at,
  };
}

/** The public record: everything but the hash. */
function withoutHash(key: VirtualKey & { keyHash: string }): VirtualKey {
  const { keyHash: _hash, ...rest } = key;
  return rest;
}

function settingsColumns(settings: Partial<KeySettings>): Record<string, SqlParam> {
  const columns: Record<string, SqlParam> = {};
  const set = (name: string, value: SqlParam | undefined): void => {
    if (value !== undefined) columns[name] = value;
  };
  set('key_alias', settings.keyAlias);
  set('user_id', settings.userId);
  set('team_id', settings.teamId);
  set('models', settings.models && JSON.stringify(settings.models));
  set('aliases', settings.aliases && JSON.stringify(settings.aliases));
  set('rpm_limit', settings.rpmLimit);
  set('tpm_limit', settings.tpmLimit);
  set('max_parallel_requests', settings.maxParallelRequests);
  set('max_budget', settings.maxBudget);
  set('budget_duration', settings.budgetDuration);
  set('budget_reset_at', settings.budgetResetAt);
  set('expires_at', settings.expiresAt);
  set('blocked', settings.blocked === undefined ? undefined : settings.blocked ? 1 : 0);
  set('metadata', settings.metadata && JSON.stringify(settings.metadata));
  return columns;
}

const STATUS_WHERE: Record<KeyStatus, string> = {
  revoked: 'blocked = 1',
  expired: 'blocked = 0 AND expires_at IS NOT NULL AND expires_at <= ?',
  active: 'blocked = 0 AND (expires_at IS NULL OR expires_at > ?)',
};

export class SqlJsKeyRepository implements KeyRepository {
  private readonly listeners: KeyChangeListener[] = [];

  constructor(
    private readonly db: StoreDatabase,
    private readonly clock: () => number = Date.now,
  ) {}

  onChange(listener: KeyChangeListener): void {
    this.listeners.push(listener);
  }

  async create(key: NewKey): Promise<VirtualKey> {
    const columns: Record<string, SqlParam> = {
      id: key.id,
      key_hash: key.keyHash,
      key_prefix: key.keyPrefix,
      created_at: key.createdAt,
      updated_at: key.createdAt,
      ...settingsColumns(key),
    };
    const names = Object.keys(columns);
    const row = await this.db.write((tx) => {
      tx.run(`INSERT INTO virtual_keys (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`, Object.values(columns));
      return this.row(tx, key.id)!;
    });
    return this.changed(row);
  }

  async findByHash(keyHash: string): Promise<VirtualKey | null> {
    const row = this.db.get<KeyRow>('SELECT * FROM virtual_keys WHERE key_hash = ?', [keyHash]);
    return row ? withoutHash(toKey(row)) : null;
  }

  async findById(id: string): Promise<VirtualKey | null> {
    const row = this.row(this.db, id);
    return row ? withoutHash(row) : null;
  }

  async listByOwner(owner: { userId?: string; teamId?: string }): Promise<VirtualKey[]> {
    const { where, params } = ownerFilter(owner);
    return this.db
      .all<KeyRow>(`SELECT * FROM virtual_keys ${where} ORDER BY created_at DESC, id`, params)
      .map((row) => withoutHash(toKey(row)));
  }

  async list(query: KeyListQuery): Promise<{ keys: VirtualKey[]; total: number }> {
    const clauses: string[] = [];
    const params: SqlParam[] = [];
    if (query.status) {
      clauses.push(STATUS_WHERE[query.status]);
      if (query.status !== 'revoked') params.push(query.now);
    }
    const owner = ownerFilter(query);
    if (owner.where) clauses.push(owner.where.replace(/^WHERE /, ''));
    params.push(...owner.params);
    if (query.keyAlias) {
      clauses.push('key_alias = ?');
      params.push(query.keyAlias);
    }
    const needle = query.search?.trim().toLowerCase();
    if (needle) {
      // LIKE with an escape, so % and _ typed in a search are matched literally.
      const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      clauses.push("(lower(COALESCE(key_alias, '')) LIKE ? ESCAPE '\\' OR lower(key_prefix) LIKE ? ESCAPE '\\' OR lower(id) LIKE ? ESCAPE '\\')");
      params.push(pattern, pattern, pattern);
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const total = this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM virtual_keys ${where}`, params)?.n ?? 0;
    const rows = this.db.all<KeyRow>(`SELECT * FROM virtual_keys ${where} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`, [
      ...params,
      query.size,
      (query.page - 1) * query.size,
    ]);
    return { keys: rows.map((row) => withoutHash(toKey(row))), total };
  }

  async countByStatus(now: number): Promise<Record<KeyStatus, number>> {
    const count = (status: KeyStatus): number =>
      this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM virtual_keys WHERE ${STATUS_WHERE[status]}`, status === 'revoked' ? [] : [now])?.n ?? 0;
    return { active: count('active'), revoked: count('revoked'), expired: count('expired') };
  }

  async labels(ids: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)].filter(Boolean);
    if (unique.length === 0) return new Map();
    const rows = this.db.all<Pick<KeyRow, 'id' | 'key_alias' | 'key_prefix'>>(
      `SELECT id, key_alias, key_prefix FROM virtual_keys WHERE id IN (${unique.map(() => '?').join(', ')})`,
      unique,
    );
    return new Map(rows.map((row) => [row.id, row.key_alias ?? `${row.key_prefix}…`]));
  }

  update(id: string, settings: KeySettings, expectedVersion?: number): Promise<VirtualKey> {
    return this.versioned(id, settingsColumns(settings), expectedVersion);
  }

  setActive(id: string, active: boolean, expectedVersion?: number): Promise<VirtualKey> {
    return this.versioned(id, { blocked: active ? 0 : 1 }, expectedVersion);
  }

  updateModels(id: string, models: string[], expectedVersion?: number): Promise<VirtualKey> {
    return this.versioned(id, settingsColumns({ models }), expectedVersion);
  }

  updateRateLimits(
    id: string,
    limits: Pick<KeySettings, 'rpmLimit' | 'tpmLimit' | 'maxParallelRequests'>,
    expectedVersion?: number,
  ): Promise<VirtualKey> {
    return this.versioned(id, settingsColumns(limits), expectedVersion);
  }

  updateExpiry(id: string, expiresAt: number | null, expectedVersion?: number): Promise<VirtualKey> {
    return this.versioned(id, { expires_at: expiresAt }, expectedVersion);
  }

  replaceSecret(id: string, secret: { keyHash: string; keyPrefix: string }, expectedVersion?: number): Promise<VirtualKey> {
    return this.versioned(id, { key_hash: secret.keyHash, key_prefix: secret.keyPrefix }, expectedVersion);
  }

  async recordUsage(increments: KeyUsageIncrement[]): Promise<void> {
    await this.db.write((tx) => applyKeyUsage(tx, increments));
  }

  async resetBudget(id: string, nextResetAt: number): Promise<void> {
    await this.db.write((tx) => tx.run('UPDATE virtual_keys SET spend = 0, budget_reset_at = ? WHERE id = ?', [nextResetAt, id]));
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.db.write((tx) => tx.run('DELETE FROM virtual_keys WHERE id = ?', [id]));
    if (deleted > 0) this.emit(id, null);
    return deleted > 0;
  }

  async deleteExpired(now: number): Promise<number> {
    const ids = await this.db.write((tx) => {
      const expired = tx.all<{ id: string }>(`SELECT id FROM virtual_keys WHERE ${STATUS_WHERE.expired}`, [now]);
      tx.run(`DELETE FROM virtual_keys WHERE ${STATUS_WHERE.expired}`, [now]);
      return expired.map((row) => row.id);
    });
    for (const id of ids) this.emit(id, null);
    return ids.length;
  }

  async loadAllForAuth(): Promise<Array<VirtualKey & { keyHash: string }>> {
    return this.db.all<KeyRow>('SELECT * FROM virtual_keys').map(toKey);
  }

  private row(reader: Reader, id: string): (VirtualKey & { keyHash: string }) | undefined {
    const row = reader.get<KeyRow>('SELECT * FROM virtual_keys WHERE id = ?', [id]);
    return row ? toKey(row) : undefined;
  }

  /** `UPDATE ... WHERE id = ? AND version = ?`: bumps the version, or fails with the current row. */
  private async versioned(id: string, columns: Record<string, SqlParam>, expectedVersion?: number): Promise<VirtualKey> {
    const names = Object.keys(columns);
    const row = await this.db.write((tx) => {
      const versionClause = expectedVersion === undefined ? '' : ' AND version = ?';
      const changed = tx.run(
        `UPDATE virtual_keys SET ${names.map((name) => `${name} = ?`).join(', ')}, version = version + 1, updated_at = ?
         WHERE id = ?${versionClause}`,
        [...Object.values(columns), this.clock(), id, ...(expectedVersion === undefined ? [] : [expectedVersion])],
      );
      const current = this.row(tx, id);
      if (!current) throw new NotFoundError(`No key with id ${id}.`);
      if (changed === 0) throw new ConflictError(withoutHash(current));
      return current;
    });
    return this.changed(row);
  }

  private changed(row: VirtualKey & { keyHash: string }): VirtualKey {
    this.emit(row.id, row);
    return withoutHash(row);
  }

  private emit(id: string, key: (VirtualKey & { keyHash: string }) | null): void {
    for (const listener of this.listeners) listener(id, key);
  }
}

/** Counter increments: atomic, so concurrent requests never lose one and never conflict. */
export function applyKeyUsage(tx: Tx, increments: KeyUsageIncrement[]): void {
  for (const inc of increments) {
    tx.run(
      `UPDATE virtual_keys SET spend = spend + ?, total_spend = total_spend + ?, total_requests = total_requests + ?,
         total_tokens = total_tokens + ?, last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE id = ?`,
      [inc.cost, inc.cost, inc.requests, inc.tokens, inc.lastUsedAt, inc.keyId],
    );
  }
}

function ownerFilter(owner: { userId?: string; teamId?: string }): { where: string; params: SqlParam[] } {
  const clauses: string[] = [];
  const params: SqlParam[] = [];
  if (owner.userId) {
    clauses.push('user_id = ?');
    params.push(owner.userId);
  }
  if (owner.teamId) {
    clauses.push('team_id = ?');
    params.push(owner.teamId);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
