// The routing settings in force, written back in the config file's words (LiteLLM's, plus
// Loopgate's routes and offline fallback): the inverse of fileRoutingSettings, so an exported
// config loaded again routes as this gateway does, whether its settings were saved in the app or
// read from the file.
import type { RoutingSettings } from '../../shared/api.js';
import { OFFLINE_TIMING_DEFAULTS, type GatewayConfig } from '../config/index.js';

export interface RoutingSections {
  router_settings: Record<string, unknown>;
  litellm_settings: Record<string, unknown>;
}

/** LiteLLM writes a fallback map as a list of one-entry maps. */
function fallbackList(map: Record<string, string[]>): Array<Record<string, string[]>> | undefined {
  const entries = Object.entries(map);
  return entries.length === 0 ? undefined : entries.map(([group, targets]) => ({ [group]: targets }));
}

function nonEmpty<T>(value: T[] | Record<string, unknown>): typeof value | undefined {
  return (Array.isArray(value) ? value.length : Object.keys(value).length) === 0 ? undefined : value;
}

/** The group alone, or with the file's own probe timing when the file set it for this group. */
function offlineSetting(group: string | null, file: GatewayConfig['offlineFallback']): unknown {
  if (group === null) return undefined;
  if (!file || file.group !== group) return group;
  const probeInterval = file.probeIntervalMs === OFFLINE_TIMING_DEFAULTS.probeIntervalMs ? {} : { probe_interval: file.probeIntervalMs / 1000 };
  const minState = file.minStateMs === OFFLINE_TIMING_DEFAULTS.minStateMs ? {} : { min_state_seconds: file.minStateMs / 1000 };
  return Object.keys(probeInterval).length + Object.keys(minState).length === 0 ? group : { model: group, ...probeInterval, ...minState };
}

/** Sections with the settings left out where the file would read the same without them (empty lists and maps, no stream timeout). */
export function routingSections(settings: RoutingSettings, fileOffline: GatewayConfig['offlineFallback']): RoutingSections {
  const router: Record<string, unknown> = {
    routing_strategy: settings.strategy,
    num_retries: settings.numRetries,
    retry_after: settings.retryAfterSeconds,
    timeout: settings.timeoutSeconds,
    stream_timeout: settings.streamTimeoutSeconds ?? undefined,
    allowed_fails: settings.allowedFails,
    cooldown_time: settings.cooldownSeconds,
    fallbacks: fallbackList(settings.fallbacks),
    context_window_fallbacks: fallbackList(settings.contextWindowFallbacks),
    content_policy_fallbacks: fallbackList(settings.contentPolicyFallbacks),
    default_fallbacks: nonEmpty(settings.defaultFallbacks),
    max_fallbacks: settings.maxFallbacks,
    model_group_alias: nonEmpty(settings.modelGroupAlias),
    routes: nonEmpty(settings.routes),
    offline_fallback: offlineSetting(settings.offlineFallback, fileOffline),
  };
  const { cache } = settings;
  const litellm: Record<string, unknown> = {
    drop_params: settings.dropParams,
    cache: cache.enabled,
    cache_params: cache.enabled ? { type: 'local', ttl: cache.ttlSeconds, max_size: cache.maxEntries } : undefined,
  };
  return { router_settings: withoutUndefined(router), litellm_settings: withoutUndefined(litellm) };
}

function withoutUndefined(section: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(section).filter(([, value]) => value !== undefined));
}
