// An import's preview in words: each routing setting by the name the routing form gives it, and
// its values as a person reads them (fallbacks as "big → small, long"), before and after.
import type { RoutingChange, RoutingSettings } from '../../../shared/api.js';
import { STRATEGY_TEXT } from './routing-draft.js';

const LABELS: Record<keyof RoutingSettings, string> = {
  strategy: 'Strategy',
  numRetries: 'Retries',
  retryAfterSeconds: 'Minimum backoff (s)',
  timeoutSeconds: 'Request timeout (s)',
  streamTimeoutSeconds: 'Time to first byte (s)',
  allowedFails: 'Allowed fails',
  cooldownSeconds: 'Cooldown (s)',
  fallbacks: 'When a group fails',
  contextWindowFallbacks: 'When the prompt is too long',
  contentPolicyFallbacks: 'When the content is refused',
  defaultFallbacks: 'Fallbacks for any other group',
  maxFallbacks: 'Maximum fallbacks',
  modelGroupAlias: 'Aliases',
  cache: 'Response cache',
  dropParams: 'Drop parameters a provider does not accept',
  routes: 'Routes',
  offlineFallback: 'When the cloud is unreachable',
};

export function changeLabel(change: RoutingChange): string {
  return LABELS[change.field];
}

/** A setting's value in a few words; "none" for an empty one. */
export function changeValue(field: keyof RoutingSettings, value: RoutingChange['before']): string {
  if (value === null) return 'none';
  if (field === 'strategy') return STRATEGY_TEXT[value as RoutingSettings['strategy']]?.label ?? String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (field === 'routes') {
    const routes = value as RoutingSettings['routes'];
    return routes.length ? routes.map((route) => `${route.name} → ${route.to}${route.enabled ? '' : ' (off)'}`).join('; ') : 'none';
  }
  if (Array.isArray(value)) return value.length ? value.join(', ') : 'none';
  if (field === 'cache') {
    const cache = value as RoutingSettings['cache'];
    return cache.enabled ? `on, ${cache.ttlSeconds} s, ${cache.maxEntries} entries` : 'off';
  }
  if (field === 'modelGroupAlias') {
    const aliases = Object.entries(value as RoutingSettings['modelGroupAlias']);
    return aliases.length ? aliases.map(([alias, target]) => `${alias} → ${target.model}${target.hidden ? ' (hidden)' : ''}`).join('; ') : 'none';
  }
  const fallbacks = Object.entries(value as Record<string, string[]>);
  return fallbacks.length ? fallbacks.map(([group, targets]) => `${group} → ${targets.join(', ')}`).join('; ') : 'none';
}

/** "router_settings.redis_host (why)" → the setting, and why it stays behind (when said). */
export function skippedParts(item: string): { setting: string; why: string | null } {
  const open = item.indexOf(' (');
  return open < 0 || !item.endsWith(')') ? { setting: item, why: null } : { setting: item.slice(0, open), why: item.slice(open + 2, -1) };
}
