// Virtual keys on PostgreSQL: the same KeyRepository as the sql.js store, through the same
// column map (keys.ts); edits are versioned updates, usage counters atomic increments.
import type { KeySettings, KeyStatus, VirtualKey } from '../../../shared/keys.js';
import { pick, placeholders } from '../columns.js';
import { KEYS, keyListWhere, newKeyRow, SETTINGS, STATUS_WHERE, withoutHash, type KeyChangeListener, type KeyListQuery, type KeyRepository, type KeyUsageIncrement, type NewKey, type StoredKey } from '../keys.js';
import { insertRows, selectAll, selectOne, type PgDatabase, type PgReader, type PgTx } from './database.js';
import { updateVersioned } from './versioned.js';

/** Display label: the alias, else the secret's prefix. */
function label(row: { key_alias: string | null; key_prefix: string }): string {
  return row.key_alias ?? `${row.key_prefix}…`;
}

export class PgKeyRepository implements KeyRepository {
  private readonly listeners: KeyChangeListener[] = [];

  constructor(
    private readonly db: PgDatabase,
    private readonly clock: () => number = Date.now,
  ) {}

  onChange(listener: KeyChangeListener): void {
    this.listeners.push(listener);
  }

  async create(key: NewKey): Promise<VirtualKey> {
    const fields = newKeyRow(key);
    const row = await this.db.transaction(async (tx) => {
      await insertRows(tx, KEYS, [fields]);
      return (await this.row(tx, key.id))!;
    });
    return this.changed(row);
  }

  async findByHash(keyHash: string): Promise<VirtualKey | null> {
    const row = await selectOne(this.db, KEYS, 'WHERE key_hash = ?', [keyHash]);
    return row ? withoutHash(row) : null;
  }

  async findById(id: string): Promise<VirtualKey | null> {
    const row = await this.row(this.db, id);
    return row ? withoutHash(row) : null;
  }

  async list(query: KeyListQuery): Promise<{ keys: VirtualKey[]; total: number }> {
    const where = keyListWhere(query);
    const total = (await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM virtual_keys ${where.sql}`, where.params))?.n ?? 0;
    const rows = await selectAll(this.db, KEYS, `${where.sql} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`, [...where.params, query.size, (query.page - 1) * query.size]);
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
    const rows = await this.db.all<{ id: string; key_alias: string | null; key_prefix: string }>(
      `SELECT id, key_alias, key_prefix FROM virtual_keys WHERE id IN (${placeholders(unique.length)})`,
      unique,
    );
    return new Map(rows.map((row) => [row.id, label(row)]));
  }

  async naming(model: string): Promise<Array<{ id: string; label: string }>> {
    const rows = await this.db.all<{ id: string; key_alias: string | null; key_prefix: string }>(
      `SELECT id, key_alias, key_prefix FROM virtual_keys
       WHERE models::jsonb @> jsonb_build_array(?::text)
          OR EXISTS (SELECT 1 FROM jsonb_each_text(aliases::jsonb) AS alias WHERE alias.value = ?)
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
    return selectAll(this.db, KEYS);
  }

  /** One key with its hash, as another instance left it (see changes.ts). */
  async findForAuth(id: string): Promise<StoredKey | null> {
    return (await this.row(this.db, id)) ?? null;
  }

  /** Tells this process's listeners of a key another instance changed. */
  announce(id: string, key: StoredKey | null): void {
    this.emit(id, key);
  }

  private row(reader: PgReader, id: string): Promise<StoredKey | undefined> {
    return selectOne(reader, KEYS, 'WHERE id = ?', [id]);
  }

  private async versioned(id: string, fields: Partial<StoredKey>, expectedVersion?: number): Promise<VirtualKey> {
    const row = await this.db.transaction((tx) =>
      updateVersioned(tx, KEYS, { id, set: { ...fields, updatedAt: this.clock() }, expectedVersion, noun: 'key', view: withoutHash }),
    );
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

/** Counter increments, atomic; in key order, so two instances' batches never deadlock. */
export async function applyKeyUsagePg(tx: PgTx, increments: KeyUsageIncrement[]): Promise<void> {
  for (const inc of [...increments].sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0))) {
    await tx.run(
      `UPDATE virtual_keys SET spend = spend + ?, total_spend = total_spend + ?, total_requests = total_requests + ?,
         total_tokens = total_tokens + ?, last_used_at = GREATEST(COALESCE(last_used_at, 0), ?) WHERE id = ?`,
      [inc.cost, inc.cost, inc.requests, inc.tokens, inc.lastUsedAt, inc.keyId],
    );
  }
}
