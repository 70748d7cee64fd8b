// Deployments made in the GUI: a model name clients use, served by a stored provider's model.
// Each names its provider through a foreign key: a deployment cannot name a missing provider,
// and deleting a provider deletes its deployments.
import { defineTable, number, pick, text } from './columns.js';
import type { StoreDatabase } from './database.js';
import { NotFoundError } from './errors.js';

export interface StoredDeployment {
  id: string;
  modelName: string;
  providerId: string;
  upstreamModel: string;
  createdAt: number;
  updatedAt: number;
  version: number;
}

const DEPLOYMENTS = defineTable<StoredDeployment>('deployments', {
  id: text('id'),
  modelName: text('model_name'),
  providerId: text('provider_id'),
  upstreamModel: text('upstream_model'),
  createdAt: number('created_at'),
  updatedAt: number('updated_at'),
  version: number('version'),
});

export type NewDeployment = Omit<StoredDeployment, 'updatedAt' | 'version'>;

export type DeploymentsListener = () => void;

export interface DeploymentRepository {
  /** Fails with NotFoundError when the provider it names does not exist. */
  create(deployment: NewDeployment): Promise<StoredDeployment>;
  list(): Promise<StoredDeployment[]>;
  delete(id: string): Promise<boolean>;
  onChange(listener: DeploymentsListener): void;
}

export class SqlJsDeploymentRepository implements DeploymentRepository {
  private readonly listeners: DeploymentsListener[] = [];

  constructor(private readonly db: StoreDatabase) {}

  onChange(listener: DeploymentsListener): void {
    this.listeners.push(listener);
  }

  async create(deployment: NewDeployment): Promise<StoredDeployment> {
    const fields = { ...pick(deployment, ['id', 'modelName', 'providerId', 'upstreamModel', 'createdAt']), updatedAt: deployment.createdAt };
    const row = await this.db.write((tx) => {
      try {
        DEPLOYMENTS.insert(tx, fields);
      } catch (error) {
        if (/FOREIGN KEY constraint failed/.test(String(error))) throw new NotFoundError(`No provider with id ${deployment.providerId}.`);
        throw error;
      }
      return DEPLOYMENTS.get(tx, 'WHERE id = ?', [deployment.id])!;
    });
    this.changed();
    return row;
  }

  async list(): Promise<StoredDeployment[]> {
    return DEPLOYMENTS.all(this.db, 'ORDER BY model_name, created_at');
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.db.write((tx) => tx.run('DELETE FROM deployments WHERE id = ?', [id]));
    if (deleted) this.changed();
    return deleted > 0;
  }

  /** Tells the gateway to rebuild its routing tables (also after a provider's delete cascaded). */
  changed(): void {
    for (const listener of this.listeners) listener();
  }
}
