// Services own what the GUI can do: the shared API contract (shared/api.ts) implemented over the
// store and the running gateway. Both transports (Electron IPC, browser-mode HTTP) call these.
import { familyOf } from '../providers/index.js';
import { request } from 'undici';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { ApiHandlers, DeploymentView, KeyInput, KeyView, ProviderView, UsageSeries } from '../../shared/api.js';
import type { ErrorData } from '../../shared/errors.js';
import { keyStatus, parseDuration, type VirtualKey } from '../../shared/keys.js';
import { ConfigError, parseConfigText, storedDeployment, type GatewayConfig } from '../config/index.js';
import type { DeploymentConfig } from '../core/deployment.js';
import type { Accounting } from '../gateway/accounting.js';
import { GatewayError } from '../core/errors.js';
import type { RoutingTable } from '../gateway/routing-table.js';
import { mintSecret } from '../gateway/virtual-keys.js';
import { catalogEntry } from '../../shared/providers.js';
import { discoverOllamaModels } from '../providers/ollama.js';
import { ConflictError, NotFoundError } from '../store/errors.js';
import type { Store } from '../store/index.js';
import { emptySettings, type KeySettings } from '../store/keys.js';
import { randomBase62 } from '../store/secrets.js';
import { utcDay } from '../store/usage.js';

export interface AdminContext {
  store: Store;
  config: GatewayConfig;
  table: RoutingTable;
  accounting: Accounting;
  /** Rebuilds routing from the store now (GUI changes take effect before the call returns). */
  refreshRouting(): Promise<void>;
  baseUrl(): string;
  dataDir: string;
  version: string;
  clock: () => number;
}

const DAY_MS = 86_400_000;
const PROBE_TIMEOUT_MS = 4_000;
const LOCAL_SERVERS = [
  { family: 'ollama' as const, apiBase: 'http://127.0.0.1:11434/v1' },
  { family: 'lm_studio' as const, apiBase: 'http://127.0.0.1:1234/v1' },
];

/** Turns anything a service throws into the error data that crosses the boundary. */
export function toErrorData(thrown: unknown, now = Date.now()): ErrorData {
  if (thrown instanceof ConflictError) {
    const current = thrown.current as VirtualKey | ProviderView;
    const view = 'keyPrefix' in current ? { ...current, status: keyStatus(current, now) } : current;
    return { code: 'conflict', message: thrown.message, current: view };
  }
  if (thrown instanceof NotFoundError) return { code: 'not_found', message: thrown.message };
  if (thrown instanceof GatewayError) return thrown.toData();
  return { code: 'internal', message: 'Something went wrong inside Loopgate; the log has the details.' };
}

function keyView(key: VirtualKey, now: number): KeyView {
  return { ...key, status: keyStatus(key, now) };
}

function invalid(param: string, message: string): never {
  throw new GatewayError('invalid_request', message, { param });
}

function checkDuration(value: string | null, param: string): void {
  if (value !== null && parseDuration(value) === null) invalid(param, `${param}: expected a duration such as "30d" or "12h"`);
}

function keySettings(input: KeyInput, base: KeySettings, now: number): KeySettings {
  checkDuration(input.budgetDuration, 'budgetDuration');
  checkDuration(input.duration, 'duration');
  for (const [name, value] of Object.entries({ rpmLimit: input.rpmLimit, tpmLimit: input.tpmLimit, maxParallelRequests: input.maxParallelRequests, maxBudget: input.maxBudget })) {
    if (value !== null && (!Number.isFinite(value) || value < 0)) invalid(name, `${name}: expected a number of 0 or more, or nothing`);
  }
  const budgetChanged = input.budgetDuration !== base.budgetDuration;
  return {
    ...base,
    keyAlias: input.keyAlias?.trim() || null,
    models: input.models,
    rpmLimit: input.rpmLimit,
    tpmLimit: input.tpmLimit,
    maxParallelRequests: input.maxParallelRequests,
    maxBudget: input.maxBudget,
    budgetDuration: input.budgetDuration,
    budgetResetAt: budgetChanged ? (input.budgetDuration ? now + parseDuration(input.budgetDuration)! : null) : base.budgetResetAt,
    expiresAt: input.duration ? now + parseDuration(input.duration)! : null,
  };
}

/** Lists an upstream's models, the cheapest way each family offers. */
async function listUpstreamModels(deployment: DeploymentConfig): Promise<string[]> {
  const family = deployment.family;
  if (family === 'ollama') return discoverOllamaModels(deployment.apiBase);
  if (family === 'bedrock') throw new Error('Bedrock model listing is not supported; add models by their id.');
  const base = deployment.apiBase.href.replace(/\/+$/, '');
  const url = family === 'anthropic' ? `${base}${deployment.apiBase.pathname.endsWith('/v1') ? '' : '/v1'}/models` : `${base}/models`;
  const headers: Record<string, string> = { ...(familyOf(deployment).defaultHeaders ?? {}), ...familyOf(deployment).authHeaders(deployment, { path: '/models', body: '' }) };
  const response = await request(url, { headers, headersTimeout: PROBE_TIMEOUT_MS, bodyTimeout: PROBE_TIMEOUT_MS });
  const text = await response.body.text();
  if (response.statusCode >= 400) throw new Error(`the provider answered ${response.statusCode}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { data?: Array<{ id?: string }>; models?: Array<{ name?: string }> };
  const ids = (body.data ?? []).map((model) => model.id).concat((body.models ?? []).map((model) => model.name?.replace(/^models\//, '')));
  return ids.filter((id): id is string => typeof id === 'string');
}

export function createAdminApi(context: AdminContext): ApiHandlers {
  const { store, config, clock } = context;

  const configProviders = (): ProviderView[] => {
    const seen = new Map<string, ProviderView>();
    for (const deployment of config.deployments) {
      const id = `config:${deployment.family}:${deployment.apiBase.origin}`;
      if (!seen.has(id)) {
        seen.set(id, {
          id,
          name: `${deployment.family} (config file)`,
          family: deployment.family,
          apiBase: deployment.apiBase.href,
          keyHint: deployment.apiKey ? deployment.apiKey.slice(-4) : null,
          version: 0,
          readOnly: true,
        });
      }
    }
    return [...seen.values()];
  };

  const storedProvider = async (id: string) => {
    const provider = (await store.providers.list()).find((p) => p.id === id);
    if (!provider) throw new GatewayError('not_found', 'That provider no longer exists.', { param: 'id' });
    return provider;
  };

  const validateProvider = (input: { name: string; family: string; apiBase: string | null }): void => {
    if (!input.name.trim()) invalid('name', 'Give the provider a name.');
    if (!catalogEntry(input.family)) invalid('family', `Unknown provider type "${input.family}".`);
    if (input.apiBase) {
      try {
        const url = new URL(input.apiBase);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      } catch {
        invalid('apiBase', 'The base URL must be an http(s) URL, like http://127.0.0.1:11434/v1.');
      }
    }
  };

  return {
    async 'status.get'() {
      await context.accounting.flush();
      const today = utcDay(clock());
      const rows = await store.usage.dailySpend({ fromDay: today, toDay: today });
      const counts = await store.keys.countByStatus(clock());
      return {
        version: context.version,
        baseUrl: context.baseUrl(),
        dataDir: context.dataDir,
        secretProtection: store.secretProtection,
        running: true,
        today: {
          requests: rows.reduce((sum, row) => sum + row.requests, 0),
          tokens: rows.reduce((sum, row) => sum + row.totalTokens, 0),
          spend: rows.reduce((sum, row) => sum + row.cost, 0),
        },
        counts: {
          providers: (await store.providers.list()).length + configProviders().length,
          models: context.table.router.modelNames().length,
          keys: counts.active + counts.revoked + counts.expired,
        },
      };
    },

    async 'providers.list'() {
      const stored = (await store.providers.list()).map((provider) => ({ ...provider, readOnly: false }));
      return [...stored, ...configProviders()];
    },

    async 'providers.create'(input) {
      validateProvider(input);
      const created = await store.providers.create(`prov_${randomBase62(12)}`, { name: input.name.trim(), family: input.family, apiBase: input.apiBase || null, apiKey: input.apiKey ?? null }, clock());
      return { ...created, readOnly: false };
    },

    async 'providers.update'(input) {
      validateProvider(input);
      const updated = await store.providers.update(
        input.id,
        { name: input.name.trim(), family: input.family, apiBase: input.apiBase || null, ...(input.apiKey ? { apiKey: input.apiKey } : {}) },
        input.version,
        clock(),
      );
      await context.refreshRouting();
      return { ...updated, readOnly: false };
    },

    async 'providers.delete'({ id }) {
      await store.deployments.deleteForProvider(id);
      const deleted = await store.providers.delete(id);
      await context.refreshRouting();
      return { deleted };
    },

    async 'providers.test'({ id }) {
      const provider = await storedProvider(id);
      try {
        const deployment = storedDeployment({ id: 'test', modelName: 'test', family: provider.family, upstreamModel: 'test', apiBase: provider.apiBase, apiKey: await store.providers.revealKey(id) });
        return { ok: true, models: await listUpstreamModels(deployment), error: null };
      } catch (error) {
        return { ok: false, models: [], error: (error as Error).message };
      }
    },

    async 'providers.discover'() {
      const found = await Promise.all(
        LOCAL_SERVERS.map(async (server) => {
          try {
            const deployment = storedDeployment({ id: 'probe', modelName: 'probe', family: server.family, upstreamModel: 'probe', apiBase: server.apiBase, apiKey: null });
            return { ...server, models: await listUpstreamModels(deployment) };
          } catch {
            return null;
          }
        }),
      );
      return found.filter((server) => server !== null);
    },

    async 'models.list'() {
      const states = new Map(context.table.router.health().map((health) => [health.id, health.state]));
      return context.table.router.deployments().map(
        (deployment): DeploymentView => ({
          id: deployment.id,
          modelName: deployment.modelName,
          provider: deployment.family,
          upstreamModel: deployment.upstreamModel,
          apiBase: deployment.apiBase.href,
          state: states.get(deployment.id) ?? 'healthy',
          readOnly: deployment.modelInfo.source !== 'store',
        }),
      );
    },

    async 'models.add'({ modelName, providerId, upstreamModel }) {
      if (!modelName.trim()) invalid('modelName', 'Give the model the name your tools will ask for.');
      if (!upstreamModel.trim()) invalid('upstreamModel', "Name the provider's model.");
      await storedProvider(providerId);
      const created = await store.deployments.create({ id: `dep_${randomBase62(12)}`, modelName: modelName.trim(), providerId, upstreamModel: upstreamModel.trim(), createdAt: clock() });
      await context.refreshRouting();
      const view = (await this['models.list']({})).find((deployment) => deployment.id === created.id);
      if (!view) throw new GatewayError('internal', 'The model was saved but could not be routed; check the provider.');
      return view;
    },

    async 'models.remove'({ id }) {
      const deleted = await store.deployments.delete(id);
      await context.refreshRouting();
      return { deleted };
    },

    async 'routing.get'() {
      const routing = config.routing;
      return {
        strategy: routing.strategy,
        numRetries: routing.numRetries,
        allowedFails: routing.allowedFails,
        cooldownSeconds: routing.cooldownMs / 1000,
        fallbacks: routing.fallbacks,
        cache: config.cache !== null,
      };
    },

    async 'config.export'() {
      const providers = new Map((await store.providers.list()).map((provider) => [provider.id, provider]));
      const model_list = [
        ...config.deployments.map((d) => ({ model_name: d.modelName, litellm_params: { model: `${d.family}/${d.upstreamModel}`, api_base: d.apiBase.href } })),
        ...(await store.deployments.list()).flatMap((d) => {
          const provider = providers.get(d.providerId);
          if (!provider) return [];
          const envName = `${provider.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
          return [
            {
              model_name: d.modelName,
              litellm_params: {
                model: `${provider.family}/${d.upstreamModel}`,
                ...(provider.apiBase ? { api_base: provider.apiBase } : {}),
                // Secrets never leave in clear: the export names an environment variable instead.
                ...(provider.keyHint ? { api_key: `os.environ/${envName}` } : {}),
              },
            },
          ];
        }),
      ];
      return { yaml: toYaml({ model_list, router_settings: { routing_strategy: config.routing.strategy, num_retries: config.routing.numRetries } }) };
    },

    async 'config.import'({ yaml }) {
      let imported: GatewayConfig;
      try {
        imported = parseConfigText(yaml, { env: process.env });
      } catch (error) {
        throw new GatewayError('invalid_request', error instanceof ConfigError ? `config.yaml: ${error.message}` : String(error), { param: 'yaml' });
      }
      // One stored provider per family, base URL and key, however many models share it.
      const providerIds = new Map<string, string>();
      let providers = 0;
      for (const deployment of imported.deployments) {
        const identity = `${deployment.family}\u0000${deployment.apiBase.href}\u0000${deployment.apiKey ?? ''}`;
        let providerId = providerIds.get(identity);
        if (!providerId) {
          providerId = `prov_${randomBase62(12)}`;
          const name = `${deployment.family} · ${deployment.apiBase.host}`;
          await store.providers.create(providerId, { name, family: deployment.family, apiBase: deployment.apiBase.href, apiKey: deployment.apiKey }, clock());
          providerIds.set(identity, providerId);
          providers++;
        }
        await store.deployments.create({ id: `dep_${randomBase62(12)}`, modelName: deployment.modelName, providerId, upstreamModel: deployment.upstreamModel, createdAt: clock() });
      }
      await context.refreshRouting();
      const raw = parseYaml(yaml) as Record<string, unknown> | null;
      const skipped = ['router_settings', 'litellm_settings', 'general_settings'].filter((section) => raw && section in raw);
      return { providers, models: imported.deployments.length, skipped: [...skipped, ...imported.unsupported] };
    },

    async 'keys.list'({ status, search, page, size }) {
      const now = clock();
      const needle = search?.trim().toLowerCase();
      if (!needle) {
        const result = await store.keys.list({ page, size, now, ...(status ? { status } : {}) });
        return { keys: result.keys.map((key) => keyView(key, now)), total: result.total };
      }
      const all = (await store.keys.list({ page: 1, size: 10_000, now, ...(status ? { status } : {}) })).keys.filter((key) =>
        [key.keyAlias ?? '', key.keyPrefix, key.id].some((text) => text.toLowerCase().includes(needle)),
      );
      return { keys: all.slice((page - 1) * size, page * size).map((key) => keyView(key, now)), total: all.length };
    },

    async 'keys.create'(input) {
      const now = clock();
      const minted = mintSecret();
      const key = await store.keys.create({ id: `key_${randomBase62(16)}`, keyHash: minted.keyHash, keyPrefix: minted.keyPrefix, createdAt: now, ...keySettings(input, emptySettings(), now) });
      return { secret: minted.secret, key: keyView(key, now) };
    },

    async 'keys.update'(input) {
      const now = clock();
      const current = await store.keys.findById(input.id);
      if (!current) throw new GatewayError('not_found', 'That key no longer exists.', { param: 'id' });
      return keyView(await store.keys.update(input.id, keySettings(input, current, now), input.version), now);
    },

    async 'keys.setActive'({ id, active, version }) {
      return keyView(await store.keys.setActive(id, active, version), clock());
    },

    async 'keys.delete'({ id }) {
      return { deleted: await store.keys.delete(id) };
    },

    async 'usage.series'({ days }) {
      await context.accounting.flush();
      const span = Math.min(Math.max(1, Math.floor(days)), 90);
      const end = clock();
      const fromDay = utcDay(end - (span - 1) * DAY_MS);
      const rows = await store.usage.dailySpend({ fromDay });
      const series = Array.from({ length: span }, (_, i) => ({ day: utcDay(end - (span - 1 - i) * DAY_MS), requests: 0, tokens: 0, cost: 0 }));
      const byDay = new Map(series.map((point) => [point.day, point]));
      const byModel = new Map<string, UsageSeries['byModel'][number]>();
      const byKey = new Map<string, UsageSeries['byKey'][number]>();
      const labels = new Map((await store.keys.list({ page: 1, size: 10_000, now: end })).keys.map((key) => [key.id, key.keyAlias ?? `${key.keyPrefix}…`]));
      for (const row of rows) {
        const point = byDay.get(row.day);
        if (point) {
          point.requests += row.requests;
          point.tokens += row.totalTokens;
          point.cost += row.cost;
        }
        const model = byModel.get(row.model) ?? { model: row.model, requests: 0, tokens: 0, cost: 0 };
        model.requests += row.requests;
        model.tokens += row.totalTokens;
        model.cost += row.cost;
        byModel.set(row.model, model);
        const label = row.keyId === '' ? 'master key' : (labels.get(row.keyId) ?? 'deleted key');
        const key = byKey.get(row.keyId) ?? { keyId: row.keyId, label, requests: 0, tokens: 0, cost: 0 };
        key.requests += row.requests;
        key.tokens += row.totalTokens;
        key.cost += row.cost;
        byKey.set(row.keyId, key);
      }
      const byRequests = <T extends { requests: number }>(list: T[]): T[] => list.sort((a, b) => b.requests - a.requests);
      return { days: series, byModel: byRequests([...byModel.values()]), byKey: byRequests([...byKey.values()]) };
    },

    async 'logs.list'({ keyId, model, status, limit }) {
      await context.accounting.flush();
      const labels = new Map((await store.keys.list({ page: 1, size: 10_000, now: clock() })).keys.map((key) => [key.id, key.keyAlias ?? `${key.keyPrefix}…`]));
      const entries = await store.usage.spendLogs({ limit: Math.min(Math.max(1, limit), 500) * (status ? 4 : 1), ...(keyId ? { keyId } : {}), ...(model ? { model } : {}) });
      return entries
        .filter((entry) => !status || (status === 'ok' ? entry.status < 400 : entry.status >= 400))
        .slice(0, limit)
        .map((entry) => ({
          id: entry.id,
          time: entry.time,
          keyId: entry.keyId,
          keyLabel: entry.keyId ? (labels.get(entry.keyId) ?? 'deleted key') : 'master key',
          model: entry.model,
          deployment: entry.deployment,
          status: entry.status,
          latencyMs: entry.latencyMs,
          promptTokens: entry.promptTokens,
          completionTokens: entry.completionTokens,
          cost: entry.cost,
        }));
    },
  };
}
