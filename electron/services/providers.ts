// Provider credentials: the ones made in the app (stored, key encrypted) and the ones a config
// file defines (shown read-only). Testing a provider lists its models; local servers are found.
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { DiscoveredServer, ProviderInput, ProviderTestResult, ProviderView } from '../../shared/api.js';
import { allowsPassthrough, catalogEntry, PASSTHROUGH_KEY } from '../../shared/providers.js';
import { providerFailure } from '../../shared/provider-failure.js';
import type { Environment } from '../config/index.js';
import { storedDeployment } from '../config/deployment.js';
import type { DeploymentConfig } from '../core/deployment.js';
import { GatewayError } from '../core/errors.js';
import { redactCredentials } from '../core/redact.js';
import { proxyChoice, proxySettingProblem, proxyView } from '../core/upstream-proxy.js';
import { familyOf } from '../providers/index.js';
import { discoverOllamaModels } from '../providers/ollama.js';
import type { ProviderCredential } from '../store/providers.js';
import { randomBase62 } from '../store/secrets.js';
import { alreadyTaken, notFound, quoted, storeChange } from './errors.js';
import { addKeySchema, keyViews, poolChange, removeKeySchema, withKey, withoutKey } from './provider-keys.js';
import type { SystemProxy } from '../core/system-proxy.js';
import { MAX_LENGTH, parseInput, text } from './validation.js';
import type { RoutingDeps } from './deps.js';
import type { UpstreamDispatcher } from './ports.js';

const PROBE_TIMEOUT_MS = 4_000;
const LOCAL_SERVERS: ReadonlyArray<Omit<DiscoveredServer, 'models'>> = [
  { family: 'ollama', apiBase: 'http://127.0.0.1:11434/v1' },
  { family: 'lm_studio', apiBase: 'http://127.0.0.1:1234/v1' },
];

const httpUrl = text(MAX_LENGTH.url)
  .trim()
  .refine((text) => {
    try {
      return ['http:', 'https:'].includes(new URL(text).protocol);
    } catch {
      return false;
    }
  }, 'The base URL must be an http(s) URL, like http://127.0.0.1:11434/v1.');

export const providerInputSchema = z.object({
  name: text(MAX_LENGTH.name).trim().min(1, 'Give the provider a name.'),
  family: text(MAX_LENGTH.name).refine((family) => catalogEntry(family) !== undefined, 'Unknown provider type.'),
  // An empty base URL means the provider's default.
  apiBase: z.union([z.literal('').transform(() => null), httpUrl]).nullable(),
  apiKey: text(MAX_LENGTH.secret).optional(),
  credential: z.enum(['key', 'passthrough']).optional(),
  // Empty means "follow HTTPS_PROXY / NO_PROXY".
  proxy: z
    .union([
      z.literal('').transform(() => null),
      text(MAX_LENGTH.url)
        .trim()
        .superRefine((value, context) => void (proxySettingProblem(value) && context.addIssue({ code: 'custom', message: `The proxy: ${proxySettingProblem(value)}.` }))),
    ])
    .nullable()
    .optional(),
});
export const providerUpdateSchema = providerInputSchema.extend({ id: text(MAX_LENGTH.id).min(1), version: z.number().int().positive() });

export interface ProviderServiceDeps extends RoutingDeps {
  /** Where HTTPS_PROXY / NO_PROXY are read, to show each provider's route. */
  env: Environment;
  /** The desktop app: the operating system's proxy per origin, also shown. */
  systemProxy?: SystemProxy | null;
  /** The connection test and local-server discovery call providers as requests do (proxies, extra CAs). */
  upstream: UpstreamDispatcher;
}

/** Which proxy a call to this provider takes now (a bad setting shows as direct: its calls fail, saying why). */
function routeOf(family: string, apiBase: string | null, proxy: string | null, deps: Pick<ProviderServiceDeps, 'env' | 'systemProxy'>): ProviderView['route'] {
  try {
    return proxyView(proxyChoice(probe(family, apiBase, null).apiBase, family, proxy, deps.env, deps.systemProxy ?? null));
  } catch {
    return { via: 'direct', proxy: null, reason: 'none' };
  }
}

type ValidInput = z.infer<typeof providerInputSchema>;

/**
 * The key an input saves: its own, the word `passthrough` when the client signs in, or undefined
 * to keep the saved one. The client's own sign-in is for Anthropic only, and keeps no key beside it.
 */
function keyToSave(valid: ValidInput, current: ProviderCredential | null): string | undefined {
  const passthrough = valid.credential === 'passthrough' || (valid.credential === undefined && !valid.apiKey && current?.passthrough === true) || valid.apiKey === PASSTHROUGH_KEY;
  if (!passthrough) {
    if (valid.credential === 'key' && !valid.apiKey && current?.passthrough) throw invalid('apiKey', 'enter the API key: until now each tool signed in with its own account, and no key is saved.');
    return valid.apiKey || undefined;
  }
  if (!allowsPassthrough(valid.family)) throw invalid('credential', `each tool's own sign-in can reach Anthropic only, not ${quoted(valid.family)}.`);
  if (valid.apiKey && valid.apiKey !== PASSTHROUGH_KEY) throw invalid('apiKey', "leave it empty: with each tool's own sign-in Loopgate keeps no key.");
  return PASSTHROUGH_KEY;
}

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', `${param}: ${message}`, { param });
}

/** Lists an upstream's models, the cheapest way each family offers. */
async function listUpstreamModels(deployment: DeploymentConfig, dispatcher: Dispatcher): Promise<string[]> {
  const family = familyOf(deployment);
  if (deployment.family === 'ollama') return discoverOllamaModels(deployment.apiBase);
  if (catalogEntry(deployment.family)?.protocol === 'bedrock') throw new Error('Bedrock model listing is not supported; add models by their id.');
  const base = deployment.apiBase.href.replace(/\/+$/, '');
  const url = deployment.family === 'anthropic' ? `${base}${deployment.apiBase.pathname.endsWith('/v1') ? '' : '/v1'}/models` : `${base}/models`;
  const headers: Record<string, string> = { ...(family.defaultHeaders ?? {}), ...family.authHeaders(deployment, { path: '/models', body: '' }) };
  const target = new URL(url);
  const response = await dispatcher.request({ origin: target.origin, path: `${target.pathname}${target.search}`, method: 'GET', headers, headersTimeout: PROBE_TIMEOUT_MS, bodyTimeout: PROBE_TIMEOUT_MS });
  const text = await response.body.text();
  if (response.statusCode >= 400) throw new Error(`the provider answered ${response.statusCode}: ${redactCredentials(text, deployment).slice(0, 200)}`);
  const body = JSON.parse(text) as { data?: Array<{ id?: string }>; models?: Array<{ name?: string }> };
  const ids = (body.data ?? []).map((model) => model.id).concat((body.models ?? []).map((model) => model.name?.replace(/^models\//, '')));
  return ids.filter((id): id is string => typeof id === 'string');
}

/** Where a provider's requests go (its base URL or its family's default), or null when that cannot be said. */
function upstreamOrigin(family: string, apiBase: string | null): string | null {
  try {
    return probe(family, apiBase, null).apiBase.origin;
  } catch {
    return null;
  }
}

function probe(family: string, apiBase: string | null, apiKey: string | null, proxy: string | null = null): DeploymentConfig {
  return storedDeployment({ id: 'probe', modelName: 'probe', family, upstreamModel: 'probe', apiBase, apiKey, proxy });
}

export class ProviderService {
  private readonly stored: (provider: ProviderCredential) => ProviderView;

  constructor(private readonly deps: ProviderServiceDeps) {
    this.stored = (provider) => {
      const credential = provider.passthrough ? 'passthrough' : 'key';
      const { id, name, family, apiBase, keyHint, proxy, version } = provider;
      const keys = keyViews(provider.keyHints, []);
      return { id, name, family, apiBase, keyHint, credential, version, readOnly: false, proxy, route: routeOf(family, apiBase, proxy, deps), keys };
    };
  }

  async list(): Promise<ProviderView[]> {
    const stored = await Promise.all((await this.deps.store.providers.list()).map((provider) => this.view(provider)));
    return [...stored, ...this.fromConfig()];
  }

  /** Adds a key to the provider's pool: requests rotate over its keys from then on. */
  async addKey(input: { id: string; version: number; apiKey: string }): Promise<ProviderView> {
    const valid = parseInput(addKeySchema, input);
    const provider = await this.get(valid.id);
    const keys = withKey(provider, await this.deps.store.providers.revealKeys(valid.id), valid.apiKey);
    return this.savePool(provider, keys, valid.version);
  }

  /** Removes the key at `index` of the provider's pool. */
  async removeKey(input: { id: string; version: number; index: number }): Promise<ProviderView> {
    const valid = parseInput(removeKeySchema, input);
    const provider = await this.get(valid.id);
    const keys = withoutKey(provider.passthrough ? [] : await this.deps.store.providers.revealKeys(valid.id), valid.index);
    return this.savePool(provider, keys, valid.version);
  }

  private async savePool(provider: ProviderCredential, keys: string[], version: number): Promise<ProviderView> {
    const updated = await storeChange(() => this.deps.store.providers.update(provider.id, poolChange(provider, keys), version, this.deps.clock()), this.stored, 'provider');
    await this.deps.routing.refresh();
    return this.view(updated);
  }

  /** A stored provider with its keys' live state. */
  private async view(provider: ProviderCredential): Promise<ProviderView> {
    const view = this.stored(provider);
    if (provider.keyHints.length === 0) return view;
    return { ...view, keys: keyViews(provider.keyHints, this.deps.routing.keyHealth(await this.deps.store.providers.revealKeys(provider.id))) };
  }

  async count(): Promise<number> {
    return (await this.deps.store.providers.list()).length + this.fromConfig().length;
  }

  async create(input: ProviderInput): Promise<ProviderView> {
    const valid = parseInput(providerInputSchema, input);
    const { store, clock } = this.deps;
    await this.checkNameFree(valid.name, null);
    const apiKey = keyToSave(valid, null) ?? null;
    const create = (): Promise<ProviderCredential> => store.providers.create(`prov_${randomBase62(12)}`, { name: valid.name, family: valid.family, apiBase: valid.apiBase, apiKey, proxy: valid.proxy ?? null }, clock());
    return this.view(await storeChange(create, this.stored, 'provider'));
  }

  async update(input: ProviderInput & { id: string; version: number }): Promise<ProviderView> {
    const valid = parseInput(providerUpdateSchema, input);
    await this.checkNameFree(valid.name, valid.id);
    const current = await this.get(valid.id);
    const apiKey = keyToSave(valid, current);
    // A new first key for another server, or the client's own sign-in, leaves the pool's other keys behind: they were given for the old one.
    const dropsPool = apiKey !== undefined && (apiKey === PASSTHROUGH_KEY || upstreamOrigin(current.family, current.apiBase) !== upstreamOrigin(valid.family, valid.apiBase));
    const change = {
      name: valid.name,
      family: valid.family,
      apiBase: valid.apiBase,
      ...(apiKey !== undefined ? { apiKey } : {}),
      ...(dropsPool ? { moreKeys: [] } : {}),
      ...(valid.proxy !== undefined ? { proxy: valid.proxy } : {}),
    };
    if (apiKey === undefined) await this.keepSavedKeyAtItsServer(valid);
    const updated = await storeChange(() => this.deps.store.providers.update(valid.id, change, valid.version, this.deps.clock()), this.stored, 'provider');
    await this.deps.routing.refresh();
    return this.view(updated);
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.deps.store.providers.delete(id);
    await this.deps.routing.refresh();
    return deleted;
  }

  /** Lists the provider's models with each of its keys (a pool's too, so a dead key shows); the first that works gives the models. */
  async test(id: string): Promise<ProviderTestResult> {
    const provider = await this.get(id);
    if (provider.passthrough)
      return { ok: false, models: [], error: 'Each tool signs in with its own account here, so Loopgate holds no key to list the models with. Add a model by its id in Models & routing.', keys: [] };
    const saved = await this.deps.store.providers.revealKeys(id);
    const tried = await Promise.all((saved.length > 0 ? saved : [null]).map((key) => this.listWith(provider, key)));
    const working = tried.find((attempt) => attempt.error === null);
    const keys = tried.length > 1 ? tried.map((attempt, index) => ({ hint: provider.keyHints[index] ?? '', ok: attempt.error === null, error: attempt.error })) : [];
    return working ? { ok: true, models: working.models, error: null, keys } : { ok: false, models: [], error: tried[0]!.error, keys };
  }

  private async listWith(provider: ProviderCredential, key: string | null): Promise<{ models: string[]; error: string | null }> {
    try {
      const deployment = probe(provider.family, provider.apiBase, key, provider.proxy);
      return { models: await listUpstreamModels(deployment, this.deps.upstream(deployment)), error: null };
    } catch (error) {
      return { models: [], error: providerFailure((error as Error).message) };
    }
  }

  /** Local servers (Ollama, LM Studio) answering on their usual ports, with their models. */
  async discover(): Promise<DiscoveredServer[]> {
    const found = await Promise.all(
      LOCAL_SERVERS.map(async (server) => {
        try {
          const deployment = probe(server.family, server.apiBase, null);
          return { ...server, models: await listUpstreamModels(deployment, this.deps.upstream(deployment)) };
        } catch {
          return null;
        }
      }),
    );
    return found.filter((server) => server !== null);
  }

  /** The saved key was given for one server: a new address gets it only when it is entered again. */
  private async keepSavedKeyAtItsServer(valid: { id: string; family: string; apiBase: string | null; apiKey?: string | undefined }): Promise<void> {
    const current = await this.get(valid.id);
    const from = upstreamOrigin(current.family, current.apiBase);
    const to = upstreamOrigin(valid.family, valid.apiBase);
    if (valid.apiKey || current.keyHint === null || from === to) return;
    throw new GatewayError(
      'invalid_request',
      `apiKey: the base URL now points at another server (${to ?? 'a new address'}, was ${from ?? 'another'}); enter the API key again to use it there. The saved key is not sent to a new address.`,
      {
        param: 'apiKey',
      },
    );
  }

  async get(id: string): Promise<ProviderCredential> {
    const provider = (await this.deps.store.providers.list()).find((p) => p.id === id);
    if (!provider) throw notFound('provider');
    return provider;
  }

  /** A provider's name is unique (the store holds it so too); `self` may keep its own. */
  private async checkNameFree(name: string, self: string | null): Promise<void> {
    if ((await this.deps.store.providers.list()).some((provider) => provider.name === name && provider.id !== self)) throw alreadyTaken('name', `a provider named ${quoted(name)}`);
  }

  /** A config deployment's keys, masked, with their live state. */
  private configKeys(deployment: DeploymentConfig): ProviderView['keys'] {
    const pool = deployment.apiKeys ?? (deployment.apiKey ? [deployment.apiKey] : []);
    return keyViews(
      pool.map((key) => key.slice(-4)),
      this.deps.routing.keyHealth(pool),
    );
  }

  /** One read-only entry per family and origin the config file uses. */
  private fromConfig(): ProviderView[] {
    const seen = new Map<string, ProviderView>();
    for (const deployment of this.deps.config.deployments) {
      const id = `config:${deployment.family}:${deployment.apiBase.origin}`;
      if (seen.has(id)) continue;
      seen.set(id, {
        id,
        name: `${deployment.family} (config file)`,
        family: deployment.family,
        apiBase: deployment.apiBase.href,
        keyHint: deployment.apiKey ? deployment.apiKey.slice(-4) : null,
        keys: this.configKeys(deployment),
        credential: deployment.passthrough ? 'passthrough' : 'key',
        version: 0,
        readOnly: true,
        proxy: deployment.proxy ?? null,
        route: routeOf(deployment.family, deployment.apiBase.href, deployment.proxy ?? null, this.deps),
      });
    }
    return [...seen.values()];
  }
}
