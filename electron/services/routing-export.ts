// The routing settings in force, written back in the config file's words (LiteLLM's, plus
// Loopgate's routes and offline fallback): the inverse of fileRoutingSettings, so an exported
// config loaded again routes as this gateway does, whether its settings were saved in the app or
// read from the file. Each setting goes where an import reads it first (ROUTING_SOURCES).
import type { RoutingSettings } from '../../shared/api.js';
import { OFFLINE_TIMING_DEFAULTS, type GatewayConfig } from '../config/index.js';
import { ROUTING_SOURCES } from './routing-import.js';

export interface RoutingSections {
  router_settings: Record<string, unknown>;
  litellm_settings: Record<string, unknown>;
}

/** LiteLLM writes a fallback map as a list of one-entry maps; an empty one is left out. */
function fallbackList(map: Record<string, string[]>): Array<Record<string, string[]>> | undefined {
  const entries = Object.entries(map);
  return entries.length === 0 ? undefined : entries.map(([group, targets]) => ({ [group]: targets }));
}

/** The group alone, or with the file's own probe timing when the file set it for this group. */
function offlineSetting(group: string | null, file: GatewayConfig['offlineFallback']): unknown {
  if (group === null) return undefined;
  if (!file || file.group !== group) return group;
  const timing = {
    ...(file.probeIntervalMs === OFFLINE_TIMING_DEFAULTS.probeIntervalMs ? {} : { probe_interval: file.probeIntervalMs / 1000 }),
    ...(file.minStateMs === OFFLINE_TIMING_DEFAULTS.minStateMs ? {} : { min_state_seconds: file.minStateMs / 1000 }),
  };
  return Object.keys(timing).length === 0 ? group : { model: group, ...timing };
}

/** Sections with the settings left out where the file would read the same without them (empty lists and maps, no stream timeout). */
export function routingSections(settings: RoutingSettings, fileOffline: GatewayConfig['offlineFallback']): RoutingSections {
  // Every setting named: a new one fails to compile until the export writes it.
  const values: { [Field in keyof RoutingSettings]: unknown } = {
    strategy: settings.strategy,
    numRetries: settings.numRetries,
    retryAfterSeconds: settings.retryAfterSeconds,
    timeoutSeconds: settings.timeoutSeconds,
    streamTimeoutSeconds: settings.streamTimeoutSeconds ?? undefined,
    allowedFails: settings.allowedFails,
    cooldownSeconds: settings.cooldownSeconds,
    fallbacks: fallbackList(settings.fallbacks),
    contextWindowFallbacks: fallbackList(settings.contextWindowFallbacks),
    contentPolicyFallbacks: fallbackList(settings.contentPolicyFallbacks),
    defaultFallbacks: settings.defaultFallbacks.length === 0 ? undefined : settings.defaultFallbacks,
    maxFallbacks: settings.maxFallbacks,
    modelGroupAlias: Object.keys(settings.modelGroupAlias).length === 0 ? undefined : settings.modelGroupAlias,
    cache: settings.cache.enabled,
    dropParams: settings.dropParams,
    routes: settings.routes.length === 0 ? undefined : settings.routes,
    offlineFallback: offlineSetting(settings.offlineFallback, fileOffline),
  };
  const sections: RoutingSections = { router_settings: {}, litellm_settings: {} };
  for (const field of Object.keys(values) as Array<keyof RoutingSettings>) {
    if (values[field] === undefined) continue;
    const [section, name] = ROUTING_SOURCES[field][0]!.split('.') as [keyof RoutingSections, string];
    sections[section][name] = values[field];
  }
  const { cache } = settings;
  if (cache.enabled) sections.litellm_settings.cache_params = { type: 'local', ttl: cache.ttlSeconds, max_size: cache.maxEntries };
  return sections;
}
