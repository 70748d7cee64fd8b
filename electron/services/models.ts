// Models and model groups: every deployment the gateway knows (the config file's and the app's)
// with its settings, where it comes from, whether it is in force, and its live state; and every
// change to the app's deployments and groups — add, edit (versioned), rename, remove, copy a
// config-file group into the app, LiteLLM model_list entries (/model/new, /model/update) —
// applied to the running router before the call returns.
import type { z } from 'zod';
import type { DeploymentLive, DeploymentView, ModelGroupView } from '../../shared/api.js';
import type { Environment } from '../config/index.js';
import type { DeploymentConfig } from '../core/deployment.js';
import { GatewayError } from '../core/errors.js';
import type { DeploymentHealth } from '../router/index.js';
import type { DeploymentChange, StoredDeployment } from '../store/deployments.js';
import { randomBase62 } from '../store/secrets.js';
import { copyIntoStore, ProviderRegistry } from './config-io.js';
import { fileDeploymentSettings, type EffectiveDeployment } from './effective-routing.js';
import { alreadyTaken, notFound, quoted, storeChange } from './errors.js';
import { entryParams, ownParams, parseEntry, type ModelEntry } from './model-entries.js';
import { addSchema, nameSchema, renameSchema, updateSchema } from './model-schemas.js';
import type { ProviderService } from './providers.js';
import { renameInRouting, routingReferences } from './routing.js';
import { parseInput } from './validation.js';
import type { RoutingDeps } from './deps.js';

function liveState(deployment: EffectiveDeployment, health: DeploymentHealth | undefined): DeploymentLive {
  const coolingUntil = health?.cooling_until ? Date.parse(health.cooling_until) : null;
  const lastErrorAt = health?.last_error_at ? Date.parse(health.last_error_at) : null;
  const state = !deployment.config.enabled ? 'disabled' : coolingUntil !== null ? 'cooling' : health?.last_error ? 'failing' : 'healthy';
  return {
    state,
    coolingUntil,
    lastError: health?.last_error ?? null,
    lastErrorAt,
    inFlight: health?.in_flight ?? 0,
    // The router counts requests per minute only for deployments with an rpm limit; not shown yet.
    requestsLastMinute: health?.requests_last_minute ?? 0,
    latencyMs: health?.latency_ms ?? null,
  };
}

const copyFirst = (name: string): GatewayError => new GatewayError('permission', `The model group "${name}" comes from the config file; copy it into the app (models.copyFromConfig) to change it.`);

export interface ModelServiceDeps extends RoutingDeps {
  providers: ProviderService;
  env: Environment;
}

export class ModelService {
  constructor(private readonly deps: ModelServiceDeps) {}

  /** Every deployment: the file's, then the app's; disabled ones and those the app overrides included. */
  async list(): Promise<DeploymentView[]> {
    return (await this.described()).map(({ deployment }) => deployment);
  }

  /** Every deployment in force, as the router has it (e.g. to name a request-log row's api_base). */
  liveDeployments(): DeploymentConfig[] {
    return this.deps.routing.current().deployments.map((deployment) => deployment.config);
  }

  /** Every deployment with the `model_info` its entry carries (LiteLLM's /model/info shows it). */
  async described(): Promise<Array<{ deployment: DeploymentView; modelInfo: Record<string, unknown> }>> {
    const { routing, store } = this.deps;
    const health = new Map(routing.health().map((entry) => [entry.id, entry]));
    const stored = new Map((await store.deployments.list()).map((row) => [row.id, row]));
    return routing.current().deployments.map((deployment) => {
      const row = deployment.config.source === 'store' ? stored.get(deployment.config.id) : undefined;
      return { deployment: this.view(deployment, row, health.get(deployment.config.id)), modelInfo: deployment.config.modelInfo };
    });
  }

  async get(id: string): Promise<DeploymentView> {
    const view = (await this.list()).find((deployment) => deployment.id === id && deployment.source === 'app');
    if (!view) throw new GatewayError('internal', 'The model was saved but could not be routed; check its provider.');
    return view;
  }

  /** Model groups in the order they first appear, each with its deployments (the app's first) and the aliases naming it. */
  async groups(): Promise<ModelGroupView[]> {
    const groups = new Map<string, DeploymentView[]>();
    for (const deployment of await this.list()) {
      const group = groups.get(deployment.modelName);
      if (group) group.push(deployment);
      else groups.set(deployment.modelName, [deployment]);
    }
    const aliases = Object.entries(this.deps.routing.current().settings.modelGroupAlias);
    return [...groups].map(([name, deployments]) => {
      const fromApp = deployments.some((deployment) => deployment.source === 'app');
      return {
        name,
        source: fromApp ? 'app' : 'config file',
        deployments: [...deployments.filter((d) => d.source === 'app'), ...deployments.filter((d) => d.source !== 'app')],
        aliases: aliases.filter(([, target]) => target.model === name).map(([alias]) => alias),
      };
    });
  }

  async group(name: string): Promise<ModelGroupView> {
    const group = (await this.groups()).find((candidate) => candidate.name === name);
    if (!group) throw notFound('model group', 'name');
    return group;
  }

  async add(input: z.input<typeof addSchema>): Promise<DeploymentView> {
    const valid = parseInput(addSchema, input);
    this.checkNotAlias(valid.modelName, 'modelName');
    await this.deps.providers.get(valid.providerId);
    const { store, clock } = this.deps;
    const created = await store.deployments.create({
      id: `dep_${randomBase62(12)}`,
      modelName: valid.modelName,
      providerId: valid.providerId,
      upstreamModel: valid.upstreamModel,
      createdAt: clock(),
      ...valid.settings,
    });
    await this.deps.routing.refresh();
    return this.get(created.id);
  }

  /** Edits an app deployment: its group, its provider model, its settings (a partial patch); versioned. */
  async update(input: z.input<typeof updateSchema>): Promise<DeploymentView> {
    const valid = parseInput(updateSchema, input);
    const row = await this.stored(valid.id);
    if (valid.modelName !== undefined && valid.modelName !== row.modelName) this.checkNotAlias(valid.modelName, 'modelName');
    return this.edit(row.id, valid.version, {
      modelName: valid.modelName,
      upstreamModel: valid.upstreamModel,
      ...valid.settings,
    });
  }

  /** Removes an app deployment; when its group goes with it, the routing settings stop naming it. */
  async remove(id: string): Promise<boolean> {
    const { store, clock } = this.deps;
    const row = await store.deployments.get(id);
    if (!row) {
      const fromFile = this.fileDeployments().find((d) => d.id === id);
      if (fromFile) throw copyFirst(fromFile.modelName);
      return false;
    }
    const groupGoes = (await store.deployments.list()).every((other) => other.id === id || other.modelName !== row.modelName) && !this.inFile(row.modelName);
    const gone = new Set([id, ...(groupGoes ? [row.modelName] : [])]);
    const deleted = await store.deployments.delete(id, { rewrite: (settings) => renameInRouting(settings, (name) => (gone.has(name) ? null : name)), now: clock() });
    await this.deps.routing.refresh();
    return deleted;
  }

  /** Renames an app group: its deployments, and the stored fallbacks and aliases naming it, in one write. */
  async renameGroup(input: z.input<typeof renameSchema>): Promise<ModelGroupView> {
    const { from, to } = parseInput(renameSchema, input);
    await this.appGroup(from);
    if (from === to) return this.group(from);
    const current = this.deps.routing.current();
    if (current.deployments.some((d) => d.config.modelName === to)) throw alreadyTaken('to', `a model group named ${quoted(to)}`);
    this.checkNotAlias(to, 'to');
    await this.deps.store.deployments.renameGroup(from, to, this.deps.clock(), (settings) => renameInRouting(settings, (name) => (name === from ? to : name)));
    await this.deps.routing.refresh();
    return this.group(to);
  }

  /** Removes every app deployment of a group; the routing settings stop naming it unless the config file still defines it. */
  async removeGroup(input: z.input<typeof nameSchema>): Promise<{ deleted: number }> {
    const { name } = parseInput(nameSchema, input);
    const rows = await this.appGroup(name);
    const gone = new Set([...rows.map((row) => row.id), ...(this.inFile(name) ? [] : [name])]);
    const deleted = await this.deps.store.deployments.deleteGroup(name, this.deps.clock(), (settings) => renameInRouting(settings, (other) => (gone.has(other) ? null : other)));
    await this.deps.routing.refresh();
    return { deleted };
  }

  /** What names a group: keys (allowed models, key aliases), fallbacks and aliases in the settings in force. */
  async references(input: z.input<typeof nameSchema>): Promise<{ keys: Array<{ id: string; label: string }>; fallbacks: string[]; aliases: string[] }> {
    const { name } = parseInput(nameSchema, input);
    return { keys: await this.deps.store.keys.naming(name), ...routingReferences(this.deps.routing.current().settings, name) };
  }

  /** Copies a config-file group, its providers and credentials into the app: editable, and in force over the file's. */
  async copyFromConfig(input: z.input<typeof nameSchema>): Promise<ModelGroupView> {
    const { name } = parseInput(nameSchema, input);
    const deployments = this.fileDeployments().filter((d) => d.modelName === name);
    if (deployments.length === 0) throw new GatewayError('not_found', `The config file defines no model group "${name}".`, { param: 'name' });
    if ((await this.deps.store.deployments.list()).some((row) => row.modelName === name)) {
      throw new GatewayError('conflict', `The app already has a model group "${name}"; it is the one in force.`, { current: await this.group(name) });
    }
    await copyIntoStore(this.deps.store, this.deps.config, deployments, this.deps.clock());
    await this.deps.routing.refresh();
    return this.group(name);
  }

  /** LiteLLM's /model/new: a model_list entry read exactly as config.yaml reads one, stored on a matching (or new) provider. */
  async addEntry(entry: ModelEntry): Promise<DeploymentView> {
    const parsed = parseEntry(entry, this.deps.env);
    const deployment = parsed.deployments[0]!;
    const id = typeof deployment.modelInfo.id === 'string' ? deployment.modelInfo.id : null;
    if (id !== null && (this.deps.routing.current().deployments.some((d) => d.config.id === id) || (await this.deps.store.deployments.get(id)))) {
      throw new GatewayError('conflict', `model_info.id: a deployment with id "${id}" already exists`, { param: 'model_info.id' });
    }
    const { deployments } = await copyIntoStore(this.deps.store, parsed, [deployment], this.deps.clock(), { keepIds: true });
    await this.deps.routing.refresh();
    return this.get(deployments[0]!.id);
  }

  /**
   * LiteLLM's /model/update: the deployment's entry as it is, with the fields given replaced,
   * read as config.yaml would read it. A new api_key or api_base moves it to a matching provider.
   */
  async updateEntry(id: string, version: number | undefined, change: ModelEntry): Promise<DeploymentView> {
    const row = await this.stored(id);
    // Stale before anything is made for it (a provider for a new key, say).
    if (version !== undefined && version !== row.version) {
      throw new GatewayError('conflict', 'Someone else changed this model first; reload it and try again.', { current: await this.get(id) });
    }
    const running = this.deps.routing.current().deployments.find((d) => d.config.source === 'store' && d.config.id === id);
    if (!running) throw new GatewayError('invalid_request', 'This model cannot be routed (check its provider); edit it in the app.');
    const params = typeof change.litellm_params === 'object' && change.litellm_params !== null ? (change.litellm_params as Record<string, unknown>) : {};
    const entry = { model_name: change.model_name ?? row.modelName, litellm_params: { ...entryParams(running.config), ...ownParams(row), ...params } };
    const parsed = parseEntry(entry, this.deps.env);
    const deployment = parsed.deployments[0]!;
    const { id: providerId } = await (await ProviderRegistry.load(this.deps.store)).provide(deployment, this.deps.clock());
    return this.edit(id, version, {
      modelName: deployment.modelName,
      providerId,
      upstreamModel: deployment.upstreamModel,
      ...fileDeploymentSettings(parsed, deployment),
      enabled: row.enabled,
    });
  }

  modelNames(): string[] {
    return this.deps.routing.modelNames();
  }

  private async edit(id: string, version: number | undefined, change: DeploymentChange): Promise<DeploymentView> {
    await storeChange(
      () => this.deps.store.deployments.update(id, change, version, this.deps.clock()),
      async () => {
        await this.deps.routing.refresh();
        return this.get(id);
      },
      'model',
    );
    await this.deps.routing.refresh();
    return this.get(id);
  }

  private view(deployment: EffectiveDeployment, row: StoredDeployment | undefined, health: DeploymentHealth | undefined): DeploymentView {
    const { config } = deployment;
    const live = liveState(deployment, health);
    return {
      id: config.id,
      modelName: config.modelName,
      provider: config.family,
      providerId: row?.providerId ?? null,
      upstreamModel: config.upstreamModel,
      apiBase: config.apiBase.href,
      settings: deployment.settings,
      version: row?.version ?? 0,
      source: config.source === 'store' ? 'app' : 'config file',
      inForce: deployment.inForce,
      live,
      readOnly: config.source !== 'store',
      state: live.state,
    };
  }

  /** An app deployment by id; a config-file one answers that it must be copied first. */
  private async stored(id: string): Promise<StoredDeployment> {
    const row = await this.deps.store.deployments.get(id);
    if (row) return row;
    const fromFile = this.fileDeployments().find((d) => d.id === id);
    if (fromFile) throw copyFirst(fromFile.modelName);
    throw notFound('model');
  }

  /** The app's deployments of a group; a group only the config file defines must be copied first. */
  private async appGroup(name: string): Promise<StoredDeployment[]> {
    const rows = (await this.deps.store.deployments.list()).filter((row) => row.modelName === name);
    if (rows.length > 0) return rows;
    if (this.inFile(name)) throw copyFirst(name);
    throw notFound('model group', 'name');
  }

  /** A group may not take an alias's name: one of the two would hide the other. */
  private checkNotAlias(name: string, field: string): void {
    if (Object.hasOwn(this.deps.routing.current().settings.modelGroupAlias, name)) throw alreadyTaken(field, `an alias named ${quoted(name)} (routing settings)`);
  }

  private fileDeployments(): DeploymentConfig[] {
    return this.deps.config.deployments;
  }

  private inFile(name: string): boolean {
    return this.fileDeployments().some((d) => d.modelName === name);
  }
}
