// Deployments made in the GUI: a model name clients use, served by a stored provider's model,
// with its routing settings (weight, order, limits, timeout, prices, enabled, drop_params).
// Each names its provider through a foreign key: a deployment cannot name a missing provider,
// and deleting a provider deletes its deployments. Every edit is a versioned update.
import type { DeploymentSettings } from '../../shared/api.js';
import { bool, defineTable, emptyRecord, nullable, number, pick, text, updateVersioned, type Columns, type EmptyableColumn, ROW_VERSION } from './columns.js';
import { NotFoundError } from './errors.js';
import { rewriteRouting, type RoutingRewrite } from './routing.js';
import type { SqlConnection, SqlTx } from './sql.js';

export interface StoredDeployment extends DeploymentSettings {
  id: string;
  modelName: string;
  providerId: string;
  upstreamModel: string;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/** A deployment is enabled unless the app says otherwise. */
const enabled: EmptyableColumn<boolean> = { ...bool('enabled'), empty: true };

/** The contract's DeploymentSettings, column by column; null means "the routing default". */
const SETTING_COLUMNS = {
  weight: nullable(number('weight')),
  order: nullable(number('priority')),
  rpm: nullable(number('rpm')),
  tpm: nullable(number('tpm')),
  timeoutSeconds: nullable(number('timeout_seconds')),
  enabled,
  inputCostPerToken: nullable(number('input_cost_per_token')),
  outputCostPerToken: nullable(number('output_cost_per_token')),
  dropParams: nullable(bool('drop_params')),
} satisfies Columns<DeploymentSettings>;

const SETTINGS = Object.keys(SETTING_COLUMNS) as Array<keyof DeploymentSettings>;

export const DEPLOYMENTS = defineTable<StoredDeployment>('deployments', {
  id: text('id'),
  modelName: text('model_name'),
  providerId: text('provider_id'),
  upstreamModel: text('upstream_model'),
  ...SETTING_COLUMNS,
  ...ROW_VERSION,
});

/** A deployment with nothing set: enabled, every other setting the routing default. */
export function defaultDeploymentSettings(): DeploymentSettings {
  return emptyRecord<DeploymentSettings>(SETTING_COLUMNS);
}

/** A stored deployment's settings, without its identity and bookkeeping. */
export function deploymentSettings(row: StoredDeployment): DeploymentSettings {
  return pick(row, SETTINGS);
}

export type NewDeployment = Pick<StoredDeployment, 'id' | 'modelName' | 'providerId' | 'upstreamModel' | 'createdAt'> & Partial<DeploymentSettings>;

/** What an edit may change; undefined leaves a field as it is. */
export type DeploymentChange = Partial<Pick<StoredDeployment, 'modelName' | 'providerId' | 'upstreamModel'> & DeploymentSettings>;

export type DeploymentsListener = () => void;

export interface DeploymentRepository {
  /** Fails with NotFoundError when the provider it names does not exist. */
  create(deployment: NewDeployment): Promise<StoredDeployment>;
  get(id: string): Promise<StoredDeployment | null>;
  list(): Promise<StoredDeployment[]>;
  /** `UPDATE ... WHERE id = ? AND version = ?`; ConflictError carrying the current row when stale. */
  update(id: string, change: DeploymentChange, expectedVersion: number | undefined, now: number): Promise<StoredDeployment>;
  /** Moves every deployment of group `from` to `to` and rewrites the stored routing settings, in one transaction; returns how many moved. */
  renameGroup(from: string, to: string, now: number, routing: RoutingRewrite): Promise<number>;
  /** Deletes every deployment of a group, and rewrites the stored routing settings when given, in one transaction. */
  deleteGroup(name: string, now: number, routing: RoutingRewrite | null): Promise<number>;
  /** Deletes one deployment, and rewrites the stored routing settings when given, in one transaction. */
  delete(id: string, routing?: { rewrite: RoutingRewrite; now: number }): Promise<boolean>;
  onChange(listener: DeploymentsListener): void;
}

export class SqlDeploymentRepository implements DeploymentRepository {
  private readonly listeners: DeploymentsListener[] = [];

  constructor(
    private readonly db: SqlConnection,
    /** Called when a group change rewrote the stored routing settings, for their listeners. */
    private readonly routingRewritten: () => void = () => undefined,
  ) {}

  onChange(listener: DeploymentsListener): void {
    this.listeners.push(listener);
  }

  async create(deployment: NewDeployment): Promise<StoredDeployment> {
    const fields = newDeploymentRow(deployment);
    const row = await this.db.transaction(async (tx) => (await this.refusingMissingProvider(deployment.providerId, () => DEPLOYMENTS.insert(tx, fields)))!);
    this.changed();
    return row;
  }

  async get(id: string): Promise<StoredDeployment | null> {
    return (await DEPLOYMENTS.get(this.db, 'WHERE id = ?', [id])) ?? null;
  }

  list(): Promise<StoredDeployment[]> {
    return DEPLOYMENTS.all(this.db, 'ORDER BY model_name, created_at');
  }

  async update(id: string, change: DeploymentChange, expectedVersion: number | undefined, now: number): Promise<StoredDeployment> {
    const set = { ...pick(change, ['modelName', 'providerId', 'upstreamModel', ...SETTINGS]), updatedAt: now };
    const row = await this.db.transaction((tx) => this.refusingMissingProvider(change.providerId, () => updateVersioned(tx, DEPLOYMENTS, { id, set, expectedVersion, noun: 'deployment', view: (current) => current })));
    this.changed();
    return row;
  }

  renameGroup(from: string, to: string, now: number, routing: RoutingRewrite): Promise<number> {
    return this.groupChange(async (tx) => {
      const moved = await tx.run('UPDATE deployments SET model_name = ?, updated_at = ?, version = version + 1 WHERE model_name = ?', [to, now, from]);
      return { count: moved, rewritten: moved > 0 && (await rewriteRouting(tx, this.db.dialect, routing, now)) };
    });
  }

  deleteGroup(name: string, now: number, routing: RoutingRewrite | null): Promise<number> {
    return this.groupChange(async (tx) => {
      const deleted = await tx.run('DELETE FROM deployments WHERE model_name = ?', [name]);
      return { count: deleted, rewritten: deleted > 0 && routing !== null && (await rewriteRouting(tx, this.db.dialect, routing, now)) };
    });
  }

  async delete(id: string, routing?: { rewrite: RoutingRewrite; now: number }): Promise<boolean> {
    const deleted = await this.groupChange(async (tx) => {
      const count = await tx.run('DELETE FROM deployments WHERE id = ?', [id]);
      return { count, rewritten: count > 0 && routing !== undefined && (await rewriteRouting(tx, this.db.dialect, routing.rewrite, routing.now)) };
    });
    return deleted > 0;
  }

  /** Tells the gateway to rebuild its routing tables (also after a provider's delete cascaded). */
  changed(): void {
    for (const listener of this.listeners) listener();
  }

  private async groupChange(change: (tx: SqlTx) => Promise<{ count: number; rewritten: boolean }>): Promise<number> {
    const { count, rewritten } = await this.db.transaction(change);
    if (count > 0) this.changed();
    if (rewritten) this.routingRewritten();
    return count;
  }

  /** The foreign key's refusal as NotFoundError: the provider named is not there. */
  private async refusingMissingProvider<T>(providerId: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      throw this.db.dialect.isForeignKeyViolation(error) ? new NotFoundError(`No provider with id ${providerId}.`) : error;
    }
  }
}

/** A new deployment's row: the settings it leaves out take their defaults. */
function newDeploymentRow(deployment: NewDeployment): Omit<StoredDeployment, 'version'> {
  const settings = { ...defaultDeploymentSettings(), ...definedSettings(deployment) };
  return { ...pick(deployment, ['id', 'modelName', 'providerId', 'upstreamModel', 'createdAt']), ...settings, updatedAt: deployment.createdAt };
}

/** The settings a new deployment names; the ones it leaves out take their defaults. */
function definedSettings(deployment: Partial<DeploymentSettings>): Partial<DeploymentSettings> {
  return Object.fromEntries(SETTINGS.filter((name) => deployment[name] !== undefined).map((name) => [name, deployment[name]]));
}
