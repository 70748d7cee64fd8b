// A LiteLLM config.yaml in and out of the store: import copies its providers and models (they
// become editable) and its routing settings into the app's (previewed first, versioned like any
// routing edit); export writes the deployments in force with their settings, secrets as env
// references (deployment-export.ts), the routing settings in force (routing-export.ts), and the
// MCP servers and web search provider in force (tools-export.ts).
// Copying config-file deployments into the store (import, a group's editable copy, /model/new)
// happens in one place here: `copyIntoStore`, on providers shared through `ProviderRegistry`.
import { z } from 'zod';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { exportedModelList } from './deployment-export.js';
import { exportedMcpServers, exportedSearchTools } from './tools-export.js';
import { routingSections } from './routing-export.js';
import type { ImportPreview, ImportResult } from '../../shared/api.js';
import { catalogEntry, PASSTHROUGH_KEY, PROVIDER_CATALOG } from '../../shared/providers.js';
import { ConfigError, parseConfigText, type Environment, type GatewayConfig } from '../config/index.js';
import type { DeploymentConfig } from '../core/deployment.js';
import { GatewayError } from '../core/errors.js';
import type { StoredDeployment } from '../store/deployments.js';
import type { Store } from '../store/index.js';
import { randomBase62 } from '../store/secrets.js';
import { fileDeploymentSettings } from './effective-routing.js';
import { importRouting, type RoutingImport } from './routing-import.js';
import { fromCcr, isCcrConfig, withoutComments } from './ccr-import.js';
import type { KeyService } from './keys.js';
import type { RoutingService } from './routing.js';
import type { SearchService } from './search.js';
import { MAX_LENGTH, parseInput, text } from './validation.js';
import type { RoutingDeps } from './deps.js';

export const importSchema = z.object({ yaml: text(MAX_LENGTH.yaml), routingVersion: z.number().int().nonnegative().optional() });
/** Sections the import does not copy, said plainly in its result with why: the server's own settings. */
const NOT_IMPORTED: Record<string, string> = {
  general_settings: 'the master key, database and server settings belong to the config file a server starts with',
  search_tools: 'the web search provider is set under Providers, where its key is entered',
  mcp_servers: 'MCP servers are added under MCP servers, where their secrets are entered',
  mcpServers: 'MCP servers are added under MCP servers, where their secrets are entered',
};

/** Sections the import leaves alone whose `os.environ/` references need not be set here to read the rest. */
const UNREAD = ['search_tools', 'mcp_servers', 'mcpServers'];

/** The file as the import reads it: without the UNREAD sections (a file that is not YAML is left to the parser to say so). */
function importedText(yaml: string): string {
  let raw: unknown;
  try {
    raw = parseYaml(yaml);
  } catch {
    return yaml;
  }
  if (typeof raw !== 'object' || raw === null || !UNREAD.some((section) => section in raw)) return yaml;
  return toYaml(Object.fromEntries(Object.entries(raw).filter(([section]) => !UNREAD.includes(section))));
}

export interface ConfigServiceDeps extends RoutingDeps {
  /** The routing settings the import changes, checked and saved as any routing edit. */
  routingSettings: RoutingService;
  env: Environment;
  /** Makes the virtual key a claude-code-router config's APIKEY names. */
  keys: KeyService;
  /** The web search provider in force, for the export. */
  search: Pick<SearchService, 'provider'>;
}

/** The alias of the key a claude-code-router config's APIKEY becomes. */
const CCR_KEY_ALIAS = 'claude-code-router';

/** What an import would do, worked out once for the preview and again for the import itself. */
interface ImportPlan {
  imported: GatewayConfig;
  /** Deployments on providers Loopgate serves (the others are named in `skipped`). */
  servable: DeploymentConfig[];
  routing: RoutingImport;
  /** The routing settings' version the plan read. */
  routingVersion: number;
  skipped: string[];
  /** claude-code-router's APIKEY, to become a virtual key; null for a LiteLLM config. */
  apiKey: string | null;
}

/** The credential a stored provider keeps: the API key, `passthrough` (the client signs in), or Bedrock's `ID:SECRET[:SESSION]`. */
function storedCredential(deployment: DeploymentConfig): string | null {
  if (deployment.passthrough) return PASSTHROUGH_KEY;
  const aws = deployment.aws;
  if (!aws) return deployment.apiKey;
  return [aws.accessKeyId, aws.secretAccessKey, ...(aws.sessionToken ? [aws.sessionToken] : [])].join(':');
}

/** A base URL as routing reads it (the family's default when none, no trailing slash), to compare two. */
function baseHref(family: string, apiBase: string | null): string {
  const url = new URL(apiBase ?? catalogEntry(family)?.defaultApiBase ?? '');
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url.href;
}

/**
 * The stored providers by family, base URL and credential: a copy reuses the one that matches
 * (however many models share it), and a new one gets a name no other provider has.
 */
export class ProviderRegistry {
  private constructor(
    private readonly store: Store,
    private readonly byIdentity: Map<string, string>,
    private readonly names: Set<string>,
  ) {}

  static async load(store: Store): Promise<ProviderRegistry> {
    const byIdentity = new Map<string, string>();
    const providers = await store.providers.list();
    for (const provider of providers) {
      const identity = ProviderRegistry.identity(provider.family, baseHref(provider.family, provider.apiBase), await store.providers.revealKey(provider.id));
      if (!byIdentity.has(identity)) byIdentity.set(identity, provider.id);
    }
    return new ProviderRegistry(store, byIdentity, new Set(providers.map((provider) => provider.name)));
  }

  private static identity(family: string, apiBase: string, credential: string | null): string {
    return `${family}\u0000${apiBase}\u0000${credential ?? ''}`;
  }

  /** How many providers copying `deployments` would make. */
  wouldCreate(deployments: readonly DeploymentConfig[]): number {
    const identities = deployments.map((d) => ProviderRegistry.identity(d.family, d.apiBase.href, storedCredential(d)));
    return new Set(identities.filter((identity) => !this.byIdentity.has(identity))).size;
  }

  /** The provider a deployment runs on; `created` when it had to be made. */
  async provide(deployment: DeploymentConfig, now: number): Promise<{ id: string; created: boolean }> {
    const credential = storedCredential(deployment);
    const identity = ProviderRegistry.identity(deployment.family, deployment.apiBase.href, credential);
    const known = this.byIdentity.get(identity);
    if (known) return { id: known, created: false };
    const id = `prov_${randomBase62(12)}`;
    const base = `${deployment.family} · ${deployment.apiBase.host}`;
    let name = base;
    for (let n = 2; this.names.has(name); n++) name = `${base} (${n})`;
    const moreKeys = deployment.apiKeys?.slice(1) ?? [];
    await this.store.providers.create(id, { name, family: deployment.family, apiBase: deployment.apiBase.href, apiKey: credential, moreKeys }, now);
    this.byIdentity.set(identity, id);
    this.names.add(name);
    return { id, created: true };
  }
}

/**
 * Copies deployments a config file (`source`) defines into the store, with their settings and
 * their providers' credentials. A deployment keeps its `model_info.id` when `keepIds` and the id
 * is free; otherwise it gets a `dep_` id.
 */
export async function copyIntoStore(
  store: Store,
  source: GatewayConfig,
  deployments: readonly DeploymentConfig[],
  now: number,
  options: { keepIds?: boolean } = {},
): Promise<{ providersCreated: number; deployments: StoredDeployment[] }> {
  const registry = await ProviderRegistry.load(store);
  let providersCreated = 0;
  const created: StoredDeployment[] = [];
  for (const deployment of deployments) {
    // A provider Loopgate has no code for cannot become a stored provider.
    if (!catalogEntry(deployment.family)) {
      const known = PROVIDER_CATALOG.map((entry) => entry.id).join(', ');
      throw new GatewayError('invalid_request', `litellm_params.model: unknown provider "${deployment.family}"; expected one of: ${known}`, { param: 'litellm_params.model' });
    }
    const provider = await registry.provide(deployment, now);
    if (provider.created) providersCreated++;
    const ownId = options.keepIds && typeof deployment.modelInfo.id === 'string' ? deployment.modelInfo.id : null;
    created.push(
      await store.deployments.create({
        id: ownId ?? `dep_${randomBase62(12)}`,
        modelName: deployment.modelName,
        providerId: provider.id,
        upstreamModel: deployment.upstreamModel,
        createdAt: now,
        ...fileDeploymentSettings(source, deployment),
      }),
    );
  }
  return { providersCreated, deployments: created };
}

/** Reads YAML (or JSON) as config.yaml is read; a mistake is `invalid_request`, said by `describe`. */
export function parseConfigInput(text: string, env: Environment, describe: (error: ConfigError) => { param: string | null; message: string }, knownModels: readonly string[] = []): GatewayConfig {
  try {
    return parseConfigText(text, { env, knownModels });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const { param, message } = describe(error);
    throw new GatewayError('invalid_request', message, { param });
  }
}

export class ConfigService {
  constructor(private readonly deps: ConfigServiceDeps) {}

  async export(): Promise<{ yaml: string }> {
    const { store, config } = this.deps;
    const model_list = exportedModelList(config, await store.providers.list(), await store.deployments.list());
    // The routing in force (the app's once saved, else the file's), every setting of it.
    const { version: _version, source: _source, configFileHasSettings: _file, ...routing } = await this.deps.routingSettings.get();
    const search_tools = exportedSearchTools(await this.deps.search.provider());
    const mcp_servers = exportedMcpServers(await store.mcpServers.list(), config.mcpServers);
    return { yaml: toYaml({ model_list, ...routingSections(routing, config.offlineFallback), ...(search_tools ? { search_tools } : {}), ...(mcp_servers ? { mcp_servers } : {}) }) };
  }

  async previewImport(input: { yaml: string }): Promise<ImportPreview> {
    const { yaml } = parseInput(importSchema, input);
    const plan = await this.plan(yaml);
    await this.checkRouting(plan, plan.routingVersion);
    const registry = await ProviderRegistry.load(this.deps.store);
    return {
      groups: [...new Set(plan.servable.map((deployment) => deployment.modelName))],
      models: plan.servable.length,
      providers: registry.wouldCreate(plan.servable),
      routingVersion: plan.routingVersion,
      routing: plan.routing.changes,
      skipped: plan.skipped,
      ...(plan.apiKey ? { keys: [CCR_KEY_ALIAS] } : {}),
    };
  }

  /** Checks everything first (the routing settings and the version they were read at), then copies the models, then saves the routing. */
  async import(input: { yaml: string; routingVersion?: number }): Promise<ImportResult> {
    const { yaml, routingVersion } = parseInput(importSchema, input);
    const plan = await this.plan(yaml);
    const version = routingVersion ?? plan.routingVersion;
    await this.checkRouting(plan, version);
    const copied = await copyIntoStore(this.deps.store, plan.imported, plan.servable, this.deps.clock());
    await this.deps.routing.refresh();
    const { routingSettings } = this.deps;
    const routing = plan.routing.changes.length > 0 ? await routingSettings.saveImport(plan.routing.settings, version) : await routingSettings.get();
    const keys = plan.apiKey ? await this.importKey(plan.apiKey, plan.skipped) : [];
    return { providers: copied.providersCreated, models: plan.servable.length, skipped: plan.skipped, routing, routingChanged: plan.routing.changes.length, ...(plan.apiKey ? { keys } : {}) };
  }

  /** APIKEY as a virtual key Claude Code's token already matches; one that exists already is said, not doubled. */
  private async importKey(secret: string, skipped: string[]): Promise<string[]> {
    try {
      await this.deps.keys.create({ keyAlias: CCR_KEY_ALIAS }, { secret, imported: true, createdBy: 'import' });
      return [CCR_KEY_ALIAS];
    } catch (error) {
      skipped.push(`APIKEY (${error instanceof GatewayError ? error.message : String(error)})`);
      return [];
    }
  }

  /** A claude-code-router config.json read as the LiteLLM config it means; anything else as it is. */
  private static readCcr(text: string): { yaml: string; warnings: string[]; apiKey: string | null } {
    let raw: unknown;
    try {
      raw = parseYaml(withoutComments(text));
    } catch {
      return { yaml: text, warnings: [], apiKey: null };
    }
    if (!isCcrConfig(raw)) return { yaml: text, warnings: [], apiKey: null };
    const converted = fromCcr(raw);
    return { yaml: toYaml(converted.config), warnings: converted.warnings, apiKey: converted.apiKey };
  }

  private async plan(text: string): Promise<ImportPlan> {
    const { yaml, warnings, apiKey } = ConfigService.readCcr(text);
    // Its fallbacks and aliases may name the app's groups and aliases too, not only the file's.
    const current = this.deps.routing.current();
    const known = [...current.deployments.map((d) => d.config.modelName), ...Object.keys(current.settings.modelGroupAlias)];
    const imported = parseConfigInput(importedText(yaml), this.deps.env, (error) => ({ param: 'yaml', message: `config.yaml: ${error.message}` }), known);
    const servable = imported.deployments.filter((deployment) => catalogEntry(deployment.family) !== undefined);
    const unknown = imported.deployments.filter((deployment) => !servable.includes(deployment)).map((deployment) => `${deployment.modelName} (${deployment.family})`);
    const raw = parseYaml(yaml) as unknown;
    const { version: routingVersion, source: _source, configFileHasSettings: _has, ...settings } = await this.deps.routingSettings.get();
    const routing = importRouting(settings, imported, raw);
    const sections = Object.entries(NOT_IMPORTED)
      .filter(([section]) => typeof raw === 'object' && raw !== null && section in raw)
      .map(([section, why]) => `${section} (${why})`);
    return { imported, servable, routing, routingVersion, skipped: [...warnings, ...sections, ...imported.unsupported, ...routing.skipped, ...unknown], apiKey };
  }

  /** The routing settings an import brings, checked as a routing edit is, against the groups it adds too. */
  private async checkRouting(plan: ImportPlan, version: number): Promise<void> {
    if (plan.routing.changes.length === 0) return;
    await this.deps.routingSettings.checkImport(plan.routing.settings, { groups: plan.servable.map((d) => d.modelName), ids: [] }, version);
  }
}
