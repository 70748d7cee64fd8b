// Routing settings on PostgreSQL: the one versioned row (id 'global'), absent until first saved.
// A save locks the row (SELECT … FOR UPDATE) to check the version it names; two first saves
// race on the primary key, and the loser gets a conflict carrying the winner's row.
import type { RoutingSettings } from '../../../shared/api.js';
import { pick } from '../columns.js';
import { ConflictError } from '../errors.js';
import { ROUTING, ROW_ID, SETTINGS, type RoutingListener, type RoutingRepository, type RoutingRewrite, type StoredRouting } from '../routing.js';
import { insertRows, selectOne, type PgDatabase, type PgReader, type PgTx } from './database.js';
import { updateVersioned } from './versioned.js';

async function readRow(reader: PgReader, lock = ''): Promise<StoredRouting | null> {
  return (await selectOne(reader, ROUTING, `WHERE id = ? ${lock}`, [ROW_ID])) ?? null;
}

/** Inside another repository's transaction: applies `rewrite` to the stored row, if any; true when it changed. */
export async function rewriteRoutingPg(tx: PgTx, rewrite: RoutingRewrite, now: number): Promise<boolean> {
  const row = await readRow(tx, 'FOR UPDATE');
  if (!row) return false;
  const before = pick(row, SETTINGS);
  const after = pick(rewrite(structuredClone(before)), SETTINGS);
  if (JSON.stringify(after) === JSON.stringify(before)) return false;
  await updateVersioned(tx, ROUTING, { id: ROW_ID, set: { ...after, updatedAt: now }, expectedVersion: undefined, noun: 'routing settings', view: (current) => current });
  return true;
}

export class PgRoutingRepository implements RoutingRepository {
  private readonly listeners: RoutingListener[] = [];

  constructor(private readonly db: PgDatabase) {}

  onChange(listener: RoutingListener): void {
    this.listeners.push(listener);
  }

  get(): Promise<StoredRouting | null> {
    return readRow(this.db);
  }

  async save(settings: RoutingSettings, expectedVersion: number, now: number): Promise<StoredRouting> {
    const fields = pick(settings, SETTINGS);
    const row = await this.db.transaction(async (tx) => {
      const current = await readRow(tx, 'FOR UPDATE');
      if ((current?.version ?? 0) !== expectedVersion) throw new ConflictError(current);
      if (current) return updateVersioned(tx, ROUTING, { id: ROW_ID, set: { ...fields, updatedAt: now }, expectedVersion, noun: 'routing settings', view: (row) => row });
      // A first save: another first save may be inserting too; the primary key picks one.
      const inserted = await insertRows(tx, ROUTING, [{ id: ROW_ID, ...fields, createdAt: now, updatedAt: now }], 'ON CONFLICT (id) DO NOTHING');
      if (inserted === 0) throw new ConflictError(await readRow(tx));
      return (await readRow(tx))!;
    });
    this.changed();
    return row;
  }

  /** Tells the gateway to apply the routing again (also after a group rename rewrote the row). */
  changed(): void {
    for (const listener of this.listeners) listener();
  }
}
