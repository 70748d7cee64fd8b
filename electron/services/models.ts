// Models and routing: every routable deployment with its live state, deployments added and
// removed in the app (applied to routing before the call returns), the routing settings.
import { z } from 'zod';
import type { DeploymentLive, DeploymentSettings, DeploymentView, RoutingView } from '../../shared/api.js';
import type { DeploymentConfig } from '../core/deployment.js';
import type { DeploymentHealth } from '../router/index.js';
import type { GatewayConfig } from '../config/index.js';
import { GatewayError } from '../core/errors.js';
import type { Store } from '../store/index.js';
import { randomBase62 } from '../store/secrets.js';
import type { LiveRouting } from './ports.js';
import type { ProviderService } from './providers.js';
import { parseInput } from './validation.js';

const addSchema = z.object({
  modelName: z.string().trim().min(1, 'Give the model the name your tools will ask for.'),
  providerId: z.string().min(1, 'Choose a provider.'),
  upstreamModel: z.string().trim().min(1, "Name the provider's model."),
});

/** LiteLLM's default request timeout, in seconds. */
const DEFAULT_TIMEOUT_SECONDS = 600;

function settingsOf(deployment: DeploymentConfig): DeploymentSettings {
  return {
    weight: deployment.weight,
    order: deployment.order,
    rpm: deployment.rpm,
    tpm: deployment.tpm,
    timeoutSeconds: deployment.timeoutMs / 1000,
    enabled: deployment.enabled,
    inputCostPerToken: deployment.inputCostPerToken,
    outputCostPerToken: deployment.outputCostPerToken,
    dropParams: deployment.dropParams,
  };
}

function liveState(deployment: DeploymentConfig, health: DeploymentHealth | undefined): DeploymentLive {
  const coolingUntil = health?.cooling_until ? Date.parse(health.cooling_until) : null;
  const lastErrorAt = health?.last_error_at ? Date.parse(health.last_error_at) : null;
  const state = !deployment.enabled ? 'disabled' : coolingUntil !== null ? 'cooling' : health?.last_error ? 'failing' : 'healthy';
  return {
    state,
    coolingUntil,
    lastError: health?.last_error ?? null,
    lastErrorAt,
    inFlight: health?.in_flight ?? 0,
    requestsLastMinute: 0,
    latencyMs: health?.latency_ms ?? null,
  };
}

export interface ModelServiceDeps {
  store: Store;
  config: GatewayConfig;
  routing: LiveRouting;
  providers: ProviderService;
  clock: () => number;
}

export class ModelService {
  constructor(private readonly deps: ModelServiceDeps) {}

  async list(): Promise<DeploymentView[]> {
    const { routing } = this.deps;
    const health = new Map(routing.health().map((entry) => [entry.id, entry]));
    const stored = new Map((await this.deps.store.deployments.list()).map((row) => [row.id, row]));
    return routing.deployments().map((deployment) => {
      const live = liveState(deployment, health.get(deployment.id));
      const row = stored.get(deployment.id);
      return {
        id: deployment.id,
        modelName: deployment.modelName,
        provider: deployment.family,
        providerId: row?.providerId ?? null,
        upstreamModel: deployment.upstreamModel,
        apiBase: deployment.apiBase.href,
        settings: settingsOf(deployment),
        version: row?.version ?? 0,
        source: deployment.source === 'store' ? 'app' : 'config file',
        inForce: true,
        live,
        readOnly: deployment.source !== 'store',
        state: live.state,
      };
    });
  }

  async add(input: z.input<typeof addSchema>): Promise<DeploymentView> {
    const valid = parseInput(addSchema, input);
    await this.deps.providers.get(valid.providerId);
    const created = await this.deps.store.deployments.create({ id: `dep_${randomBase62(12)}`, ...valid, createdAt: this.deps.clock() });
    await this.deps.routing.refresh();
    const view = (await this.list()).find((deployment) => deployment.id === created.id);
    if (!view) throw new GatewayError('internal', 'The model was saved but could not be routed; check the provider.');
    return view;
  }

  async remove(id: string): Promise<boolean> {
    const deleted = await this.deps.store.deployments.delete(id);
    await this.deps.routing.refresh();
    return deleted;
  }

  routingSettings(): RoutingView {
    const { routing, cache, deployments, source } = this.deps.config;
    const timeout = deployments[0]?.timeoutMs;
    const streamTimeout = deployments[0]?.streamTimeoutMs;
    return {
      strategy: routing.strategy,
      numRetries: routing.numRetries,
      retryAfterSeconds: routing.retryAfterMs / 1000,
      timeoutSeconds: timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : timeout / 1000,
      streamTimeoutSeconds: streamTimeout ? streamTimeout / 1000 : null,
      allowedFails: routing.allowedFails,
      cooldownSeconds: routing.cooldownMs / 1000,
      fallbacks: routing.fallbacks,
      contextWindowFallbacks: routing.contextWindowFallbacks,
      contentPolicyFallbacks: routing.contentPolicyFallbacks,
      defaultFallbacks: routing.defaultFallbacks,
      maxFallbacks: routing.maxFallbacks,
      modelGroupAlias: this.deps.config.modelGroupAlias,
      cache: cache ? { enabled: true, ttlSeconds: cache.ttlMs / 1000, maxEntries: cache.maxEntries } : { enabled: false, ttlSeconds: 600, maxEntries: 1000 },
      dropParams: routing.dropParams,
      version: 0,
      source: source ? 'config file' : 'defaults',
      configFileHasSettings: source !== null,
    };
  }

  modelNames(): string[] {
    return this.deps.routing.modelNames();
  }
}
