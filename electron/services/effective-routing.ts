// The routing in force, merged in this one place: the config file's deployments and settings
// with the app's (the store's). The app's deployments win per group name (the file's of that
// name are kept for display, not routed); the app's routing settings, once saved, win over the
// file's as a whole; each app deployment gets its own settings, and the routing timeouts where
// it sets none. The gateway's RoutingTable hands the result to Router.update() and the cache.
import type { DeploymentSettings, RoutingSettings, SettingSource } from '../../shared/api.js';
import { storedDeployment } from '../config/deployment.js';
import { emptyConfig, type CacheSettings, type GatewayConfig } from '../config/index.js';
import type { DeploymentConfig } from '../core/deployment.js';
import type { Logger } from '../core/logger.js';
import type { RouterSettings, RoutingInput } from '../core/routing.js';
import { deploymentSettings } from '../store/deployments.js';
import type { Store } from '../store/index.js';
import type { StoredRouting } from '../store/routing.js';

/** The cache's settings while it is off. */
const CACHE_OFF: RoutingSettings['cache'] = { enabled: false, ttlSeconds: 600, maxEntries: 1000 };

export interface EffectiveDeployment {
  config: DeploymentConfig;
  /** Its own settings, as the app shows them (null: the routing default). */
  settings: DeploymentSettings;
  /** False for a config-file deployment of a group the app also defines. */
  inForce: boolean;
}

export interface EffectiveRouting {
  /** Every deployment, the file's then the app's, disabled and overridden ones included. */
  deployments: EffectiveDeployment[];
  /** The routing settings in force, where they come from, and the version an edit names. */
  settings: RoutingSettings;
  source: SettingSource;
  version: number;
  /** What the Router is given: deployments in force (disabled ones too: the router never picks them, and keeps their history), settings, aliases. */
  input: RoutingInput;
  /** The response cache in force; null when off. */
  cache: CacheSettings | null;
}

/** The store's side of the merge. */
export interface StoredRoutingParts {
  routing: StoredRouting | null;
  /** The app's deployments, each already on its provider, with the settings the app saved. */
  deployments: Array<{ base: DeploymentConfig; settings: DeploymentSettings }>;
}

/** The file's router timeouts, which its deployments without their own received. */
function fileTimeouts(config: GatewayConfig): { requestMs: number; streamMs: number | null } {
  return config.timeouts;
}

/**
 * A config-file deployment's settings as the app keeps them (the merge's inverse): a timeout it
 * took from the file's router is left to the routing setting.
 */
export function fileDeploymentSettings(config: GatewayConfig, deployment: DeploymentConfig): DeploymentSettings {
  return {
    weight: deployment.weight,
    order: deployment.order,
    rpm: deployment.rpm,
    tpm: deployment.tpm,
    timeoutSeconds: deployment.timeoutMs === fileTimeouts(config).requestMs ? null : deployment.timeoutMs / 1000,
    enabled: deployment.enabled,
    inputCostPerToken: deployment.inputCostPerToken,
    outputCostPerToken: deployment.outputCostPerToken,
    dropParams: deployment.dropParams,
  };
}

/** What the config file says (LiteLLM's defaults where it says nothing), in the app's words. */
export function fileRoutingSettings(config: GatewayConfig): RoutingSettings {
  const { routing, cache } = config;
  const timeouts = fileTimeouts(config);
  return {
    strategy: routing.strategy,
    numRetries: routing.numRetries,
    retryAfterSeconds: routing.retryAfterMs / 1000,
    timeoutSeconds: timeouts.requestMs / 1000,
    streamTimeoutSeconds: timeouts.streamMs === null ? null : timeouts.streamMs / 1000,
    allowedFails: routing.allowedFails,
    cooldownSeconds: routing.cooldownMs / 1000,
    fallbacks: structuredClone(routing.fallbacks),
    contextWindowFallbacks: structuredClone(routing.contextWindowFallbacks),
    contentPolicyFallbacks: structuredClone(routing.contentPolicyFallbacks),
    defaultFallbacks: [...routing.defaultFallbacks],
    maxFallbacks: routing.maxFallbacks,
    modelGroupAlias: structuredClone(config.modelGroupAlias),
    cache: cache ? { enabled: true, ttlSeconds: cache.ttlMs / 1000, maxEntries: cache.maxEntries } : { ...CACHE_OFF },
    dropParams: routing.dropParams,
    routes: structuredClone(config.routes),
    offlineFallback: config.offlineFallback?.group ?? null,
  };
}

let defaults: string | null = null;

/** Whether the config file sets any routing setting: its settings differ from a file that says nothing. */
export function fileHasRoutingSettings(config: GatewayConfig): boolean {
  defaults ??= JSON.stringify(fileRoutingSettings(emptyConfig()));
  return JSON.stringify(fileRoutingSettings(config)) !== defaults;
}

/** The app's settings when saved, else the file's, else the defaults; with the version an edit names. */
export function routingInForce(config: GatewayConfig, stored: StoredRouting | null): { settings: RoutingSettings; source: SettingSource; version: number } {
  if (!stored) return { settings: fileRoutingSettings(config), source: fileHasRoutingSettings(config) ? 'config file' : 'defaults', version: 0 };
  const { id: _id, createdAt: _created, updatedAt: _updated, version, ...settings } = stored;
  return { settings, source: 'app', version };
}

function routerSettings(settings: RoutingSettings): RouterSettings {
  return {
    strategy: settings.strategy,
    numRetries: settings.numRetries,
    retryAfterMs: settings.retryAfterSeconds * 1000,
    allowedFails: settings.allowedFails,
    cooldownMs: settings.cooldownSeconds * 1000,
    fallbacks: settings.fallbacks,
    contextWindowFallbacks: settings.contextWindowFallbacks,
    contentPolicyFallbacks: settings.contentPolicyFallbacks,
    defaultFallbacks: settings.defaultFallbacks,
    maxFallbacks: settings.maxFallbacks,
    dropParams: settings.dropParams,
  };
}

const seconds = (value: number | null): number | null => (value === null ? null : value * 1000);

/** An app deployment with its own settings, and the routing's timeouts where it sets none. */
function withSettings(base: DeploymentConfig, own: DeploymentSettings, routing: RoutingSettings): DeploymentConfig {
  return {
    ...base,
    weight: own.weight,
    order: own.order,
    rpm: own.rpm,
    tpm: own.tpm,
    timeoutMs: (own.timeoutSeconds ?? routing.timeoutSeconds) * 1000,
    streamTimeoutMs: seconds(routing.streamTimeoutSeconds),
    enabled: own.enabled,
    inputCostPerToken: own.inputCostPerToken,
    outputCostPerToken: own.outputCostPerToken,
    dropParams: own.dropParams,
  };
}

/** A config-file deployment under the app's routing settings: the timeouts it took from the file's router follow the app's. */
function withAppTimeouts(deployment: DeploymentConfig, file: { requestMs: number; streamMs: number | null }, routing: RoutingSettings): DeploymentConfig {
  const timeoutMs = deployment.timeoutMs === file.requestMs ? routing.timeoutSeconds * 1000 : deployment.timeoutMs;
  const streamTimeoutMs = deployment.streamTimeoutMs === file.streamMs ? seconds(routing.streamTimeoutSeconds) : deployment.streamTimeoutMs;
  return timeoutMs === deployment.timeoutMs && streamTimeoutMs === deployment.streamTimeoutMs ? deployment : { ...deployment, timeoutMs, streamTimeoutMs };
}

export function mergeRouting(config: GatewayConfig, stored: StoredRoutingParts): EffectiveRouting {
  const { settings, source, version } = routingInForce(config, stored.routing);
  const appGroups = new Set(stored.deployments.map(({ base }) => base.modelName));
  const file = fileTimeouts(config);
  const deployments: EffectiveDeployment[] = [
    ...config.deployments.map((deployment) => ({
      config: stored.routing ? withAppTimeouts(deployment, file, settings) : deployment,
      settings: fileDeploymentSettings(config, deployment),
      inForce: !appGroups.has(deployment.modelName),
    })),
    ...stored.deployments.map(({ base, settings: own }) => ({ config: withSettings(base, own, settings), settings: own, inForce: true })),
  ];
  return {
    deployments,
    settings,
    source,
    version,
    input: {
      // A disabled deployment is left out of routing altogether: listed, never chosen.
      deployments: deployments.filter((d) => d.inForce).map((d) => d.config),
      routing: routerSettings(settings),
      modelGroupAlias: settings.modelGroupAlias,
    },
    cache: settings.cache.enabled ? { ttlMs: settings.cache.ttlSeconds * 1000, maxEntries: settings.cache.maxEntries } : null,
  };
}

/** Reads the store's side (provider keys decrypted) and merges it with the file's. */
export async function loadEffectiveRouting(store: Store, config: GatewayConfig, logger: Logger): Promise<EffectiveRouting> {
  const providers = new Map((await store.providers.list()).map((provider) => [provider.id, provider]));
  const deployments: StoredRoutingParts['deployments'] = [];
  for (const row of await store.deployments.list()) {
    const provider = providers.get(row.providerId);
    if (!provider) continue;
    try {
      const [apiKey = null, ...moreKeys] = await store.providers.revealKeys(provider.id);
      const base = storedDeployment({
        id: row.id,
        modelName: row.modelName,
        family: provider.family,
        upstreamModel: row.upstreamModel,
        apiBase: provider.apiBase,
        apiKey,
        moreKeys,
        proxy: provider.proxy,
      });
      deployments.push({ base, settings: deploymentSettings(row) });
    } catch (error) {
      logger.log('warn', `Skipped deployment ${row.id}: ${(error as Error).message}`);
    }
  }
  return mergeRouting(config, { routing: await store.routing.get(), deployments });
}
