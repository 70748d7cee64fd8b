// What importing a LiteLLM config does to the routing settings: each setting the file sets (in
// router_settings or litellm_settings, LiteLLM's names) replaces the one in force — a map
// (fallbacks, aliases) gains the file's entries — and what the file sets that the routing
// settings cannot hold is named. Pure: the caller previews it, and saves it naming the version.
import type { RoutingChange, RoutingSettings } from '../../shared/api.js';
import type { GatewayConfig } from '../config/index.js';
import { fileRoutingSettings } from './effective-routing.js';

/** Where each routing setting may come from in the file, first found wins (router_settings over litellm_settings, as LiteLLM reads it); an export writes the first. */
export const ROUTING_SOURCES: { [Field in keyof RoutingSettings]: string[] } = {
  strategy: ['router_settings.routing_strategy'],
  numRetries: ['router_settings.num_retries', 'litellm_settings.num_retries'],
  retryAfterSeconds: ['router_settings.retry_after'],
  timeoutSeconds: ['router_settings.timeout', 'litellm_settings.request_timeout'],
  streamTimeoutSeconds: ['router_settings.stream_timeout'],
  allowedFails: ['router_settings.allowed_fails', 'litellm_settings.allowed_fails'],
  cooldownSeconds: ['router_settings.cooldown_time', 'litellm_settings.cooldown_time'],
  fallbacks: ['router_settings.fallbacks', 'litellm_settings.fallbacks'],
  contextWindowFallbacks: ['router_settings.context_window_fallbacks', 'litellm_settings.context_window_fallbacks'],
  contentPolicyFallbacks: ['router_settings.content_policy_fallbacks', 'litellm_settings.content_policy_fallbacks'],
  defaultFallbacks: ['router_settings.default_fallbacks', 'litellm_settings.default_fallbacks'],
  maxFallbacks: ['router_settings.max_fallbacks', 'litellm_settings.max_fallbacks'],
  modelGroupAlias: ['router_settings.model_group_alias'],
  cache: ['litellm_settings.cache', 'litellm_settings.cache_params', 'router_settings.cache_responses'],
  dropParams: ['litellm_settings.drop_params'],
  routes: ['router_settings.routes'],
  offlineFallback: ['router_settings.offline_fallback'],
};

const REDIS = "Redis is a server's own setting, read from the config file that loopgate serve starts with";

/** Settings of these sections that are no routing setting, and why they stay behind. */
const NOT_ROUTING: Record<string, string> = {
  'router_settings.redis_url': REDIS,
  'router_settings.redis_host': REDIS,
  'router_settings.redis_port': REDIS,
  'router_settings.redis_password': REDIS,
  'litellm_settings.cache_params.type': 'only the local in-memory cache is kept in the app',
};

/** Maps gain the file's entries (a group the file names gets the file's list); anything else is replaced. */
const MERGED: ReadonlySet<keyof RoutingSettings> = new Set(['fallbacks', 'contextWindowFallbacks', 'contentPolicyFallbacks', 'modelGroupAlias']);

function at(raw: unknown, path: string): unknown {
  let value = raw;
  for (const part of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

export interface RoutingImport {
  /** The settings in force once imported. */
  settings: RoutingSettings;
  /** Each setting the import changes, with where in the file it comes from. */
  changes: RoutingChange[];
  /** What the file's router_settings and litellm_settings set that stays behind, said plainly. */
  skipped: string[];
}

/** `current`: the settings in force now; `imported`: the file as read; `raw`: the file's YAML as data (to see which settings it sets). */
export function importRouting(current: RoutingSettings, imported: GatewayConfig, raw: unknown): RoutingImport {
  const file = fileRoutingSettings(imported);
  const settings = structuredClone(current);
  const changes: RoutingChange[] = [];
  for (const field of Object.keys(ROUTING_SOURCES) as Array<keyof RoutingSettings>) {
    const from = ROUTING_SOURCES[field].find((path) => at(raw, path) !== undefined);
    if (!from) continue;
    const value = MERGED.has(field) ? { ...(current[field] as object), ...(file[field] as object) } : file[field];
    if (JSON.stringify(value) === JSON.stringify(current[field])) continue;
    Object.assign(settings, { [field]: value });
    changes.push({ field, from, before: current[field], after: value });
  }
  const skipped = Object.entries(NOT_ROUTING)
    .filter(([path]) => at(raw, path) !== undefined && !(path.endsWith('.type') && at(raw, path) === 'local'))
    .map(([path, why]) => `${path} (${why})`);
  return { settings, changes, skipped };
}
