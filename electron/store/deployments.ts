// Deployments made in the GUI: a model name clients use, served by a stored provider's model.
import type { StoreDatabase } from './database.js';

export interface StoredDeployment {
  id: string;
  modelName: string;
  providerId: string;
  upstreamModel: string;
  createdAt: number;
  updatedAt: number;
  version: number;
}

interface DeploymentRow {
  id: string;
  model_name: string;
  provider_id: string;
  upstream_model: string;
  created_at: number;
  updated_at: number;
  version: number;
}

export type DeploymentsListener = () => void;

export interface DeploymentRepository {
  create(deployment: Omit<StoredDeployment, 'updatedAt' | 'version'>): Promise<StoredDeployment>;
  list(): Promise<StoredDeployment[]>;
  delete(id: string): Promise<boolean>;
  deleteForProvider(providerId: string): Promise<number>;
  onChange(listener: DeploymentsListener): void;
}

function fromRow(row: DeploymentRow): StoredDeployment {
  return {
    id: row.id,
    modelName: row.model_name,
    providerId: row.provider_id,
    upstreamModel: row.upstream_model,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

export class SqlJsDeploymentRepository implements DeploymentRepository {
  private readonly listeners: DeploymentsListener[] = [];

  constructor(private readonly db: StoreDatabase) {}

  onChange(listener: DeploymentsListener): void {
    this.listeners.push(listener);
  }

  async create(deployment: Omit<StoredDeployment, 'updatedAt' | 'version'>): Promise<StoredDeployment> {
    const row = await this.db.write((tx) => {
      tx.run('INSERT INTO deployments (id, model_name, provider_id, upstream_model, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
        deployment.id,
        deployment.modelName,
        deployment.providerId,
        deployment.upstreamModel,
        deployment.createdAt,
        deployment.createdAt,
      ]);
      return tx.get<DeploymentRow>('SELECT * FROM deployments WHERE id = ?', [deployment.id])!;
    });
    this.changed();
    return fromRow(row);
  }

  async list(): Promise<StoredDeployment[]> {
    return this.db.all<DeploymentRow>('SELECT * FROM deployments ORDER BY model_name, created_at').map(fromRow);
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.db.write((tx) => tx.run('DELETE FROM deployments WHERE id = ?', [id]));
    if (deleted) this.changed();
    return deleted > 0;
  }

  async deleteForProvider(providerId: string): Promise<number> {
    const deleted = await this.db.write((tx) => tx.run('DELETE FROM deployments WHERE provider_id = ?', [providerId]));
    if (deleted) this.changed();
    return deleted;
  }

  /** Tells the gateway to rebuild its routing tables. */
  changed(): void {
    for (const listener of this.listeners) listener();
  }
}
