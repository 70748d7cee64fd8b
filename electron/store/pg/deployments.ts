// Deployments on PostgreSQL: versioned edits, and group renames and removals that rewrite the
// stored routing settings in the same transaction. A deployment naming a missing provider is
// refused by the foreign key.
import { pick } from '../columns.js';
import {
  DEPLOYMENTS,
  newDeploymentRow,
  SETTINGS,
  type DeploymentChange,
  type DeploymentRepository,
  type DeploymentsListener,
  type NewDeployment,
  type StoredDeployment,
} from '../deployments.js';
import { NotFoundError } from '../errors.js';
import type { RoutingRewrite } from '../routing.js';
import { insertRows, selectAll, selectOne, sqlState, type PgDatabase, type PgTx } from './database.js';
import { rewriteRoutingPg } from './routing.js';
import { updateVersioned } from './versioned.js';

/** 23503: foreign_key_violation (the provider named is not there). */
function missingProvider(error: unknown, providerId: string | undefined): unknown {
  return sqlState(error) === '23503' ? new NotFoundError(`No provider with id ${providerId}.`) : error;
}

export class PgDeploymentRepository implements DeploymentRepository {
  private readonly listeners: DeploymentsListener[] = [];

  constructor(
    private readonly db: PgDatabase,
    /** Called when a group change rewrote the stored routing settings, for their listeners. */
    private readonly routingRewritten: () => void = () => undefined,
  ) {}

  onChange(listener: DeploymentsListener): void {
    this.listeners.push(listener);
  }

  async create(deployment: NewDeployment): Promise<StoredDeployment> {
    const fields = newDeploymentRow(deployment);
    const row = await this.db.transaction(async (tx) => {
      try {
        await insertRows(tx, DEPLOYMENTS, [fields]);
      } catch (error) {
        throw missingProvider(error, deployment.providerId);
      }
      return (await selectOne(tx, DEPLOYMENTS, 'WHERE id = ?', [deployment.id]))!;
    });
    this.changed();
    return row;
  }

  async get(id: string): Promise<StoredDeployment | null> {
    return (await selectOne(this.db, DEPLOYMENTS, 'WHERE id = ?', [id])) ?? null;
  }

  list(): Promise<StoredDeployment[]> {
    return selectAll(this.db, DEPLOYMENTS, 'ORDER BY model_name, created_at');
  }

  async update(id: string, change: DeploymentChange, expectedVersion: number | undefined, now: number): Promise<StoredDeployment> {
    const set = { ...pick(change, ['modelName', 'providerId', 'upstreamModel', ...SETTINGS]), updatedAt: now };
    const row = await this.db.transaction(async (tx) => {
      try {
        return await updateVersioned(tx, DEPLOYMENTS, { id, set, expectedVersion, noun: 'deployment', view: (current) => current });
      } catch (error) {
        throw missingProvider(error, change.providerId);
      }
    });
    this.changed();
    return row;
  }

  renameGroup(from: string, to: string, now: number, routing: RoutingRewrite): Promise<number> {
    return this.groupChange(async (tx) => {
      const moved = await tx.run('UPDATE deployments SET model_name = ?, updated_at = ?, version = version + 1 WHERE model_name = ?', [to, now, from]);
      return { count: moved, rewritten: moved > 0 && (await rewriteRoutingPg(tx, routing, now)) };
    });
  }

  deleteGroup(name: string, now: number, routing: RoutingRewrite | null): Promise<number> {
    return this.groupChange(async (tx) => {
      const deleted = await tx.run('DELETE FROM deployments WHERE model_name = ?', [name]);
      return { count: deleted, rewritten: deleted > 0 && routing !== null && (await rewriteRoutingPg(tx, routing, now)) };
    });
  }

  async delete(id: string, routing?: { rewrite: RoutingRewrite; now: number }): Promise<boolean> {
    const deleted = await this.groupChange(async (tx) => {
      const count = await tx.run('DELETE FROM deployments WHERE id = ?', [id]);
      return { count, rewritten: count > 0 && routing !== undefined && (await rewriteRoutingPg(tx, routing.rewrite, routing.now)) };
    });
    return deleted > 0;
  }

  /** Tells the gateway to rebuild its routing tables (also after a provider's delete cascaded). */
  changed(): void {
    for (const listener of this.listeners) listener();
  }

  private async groupChange(change: (tx: PgTx) => Promise<{ count: number; rewritten: boolean }>): Promise<number> {
    const { count, rewritten } = await this.db.transaction(change);
    if (count > 0) this.changed();
    if (rewritten) this.routingRewritten();
    return count;
  }
}
