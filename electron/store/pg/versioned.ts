// Versioned updates on PostgreSQL: `UPDATE … SET …, version = version + 1 WHERE id = $n AND
// version = $m RETURNING *`. A concurrent update of the same row waits for the first to commit,
// then finds the version moved on and changes nothing: one wins, the other gets a conflict
// carrying the row as it now is.
import type { Table, VersionedUpdate } from '../columns.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { PgTx } from './database.js';

export async function updateVersioned<T extends { id: string; version: number }, V>(tx: PgTx, table: Table<T>, update: VersionedUpdate<T, V>): Promise<T> {
  const { names, values } = table.toColumns(update.set);
  const versionCheck = update.expectedVersion === undefined ? [] : [update.expectedVersion];
  const updated = await tx.get(
    `UPDATE ${table.name} SET ${names.map((column) => `${column} = ?, `).join('')}version = version + 1
     WHERE id = ?${versionCheck.length ? ' AND version = ?' : ''} RETURNING *`,
    [...values, update.id, ...versionCheck],
  );
  if (updated) return table.fromRow(updated);
  const current = await tx.get(`SELECT * FROM ${table.name} WHERE id = ?`, [update.id]);
  if (!current) throw new NotFoundError(`No ${update.noun} with id ${update.id}.`);
  throw new ConflictError(update.view(table.fromRow(current)));
}
