// The routing form's fields ↔ the contract's RoutingSettings, with the checks a person sees
// inline. Maps (fallbacks, aliases) are edited as rows, in the order they were written.
import type { RoutingSettings } from '../../../shared/api.js';
import type { RoutingStrategy } from '../../../shared/routing.js';
import { numberErrors, numberOf, textOf, type NumberRule } from './number-fields.js';

export interface FallbackRow {
  from: string;
  to: string[];
}

export interface AliasRow {
  alias: string;
  model: string;
  hidden: boolean;
}

/** The three kinds of fallback, as the form names them. */
export const FALLBACK_KINDS = [
  { key: 'fallbacks', short: 'fallbacks', title: 'When a group fails', hint: 'Errors, timeouts, or every deployment cooling down: the groups on the right are tried in turn.' },
  { key: 'contextWindowFallbacks', short: 'context-window fallbacks', title: 'When the prompt is too long', hint: "The provider says the request exceeds the model's context window." },
  { key: 'contentPolicyFallbacks', short: 'content-policy fallbacks', title: 'When the content is refused', hint: "The provider's content policy rejects the request." },
] as const;

/** LiteLLM's strategy names, said the way a person would choose between them. */
export const STRATEGY_TEXT: Record<RoutingStrategy, { label: string; hint: string }> = {
  'simple-shuffle': { label: 'Shuffle by weight', hint: "At random, in proportion to each deployment's weight (else its rpm or tpm)." },
  'least-busy': { label: 'Least busy', hint: 'The deployment with the fewest requests in flight.' },
  'latency-based-routing': { label: 'Fastest', hint: 'The deployment with the lowest recent time to first byte.' },
  'usage-based-routing': { label: 'Most headroom', hint: 'The deployment that has used the fewest tokens this minute.' },
  'usage-based-routing-v2': { label: 'Most headroom (v2)', hint: 'As "Most headroom"; LiteLLM’s newer name for it.' },
  'cost-based-routing': { label: 'Cheapest', hint: "The lowest price per token: the deployment's own price, else the price list's." },
};

export interface RoutingDraft {
  strategy: RoutingStrategy;
  numRetries: string;
  retryAfterSeconds: string;
  timeoutSeconds: string;
  streamTimeoutSeconds: string;
  allowedFails: string;
  cooldownSeconds: string;
  maxFallbacks: string;
  fallbacks: FallbackRow[];
  contextWindowFallbacks: FallbackRow[];
  contentPolicyFallbacks: FallbackRow[];
  defaultFallbacks: string[];
  aliases: AliasRow[];
  cacheEnabled: boolean;
  cacheTtlSeconds: string;
  cacheMaxEntries: string;
  dropParams: boolean;
  /** The local group that serves while offline; '' for off. */
  offlineFallback: string;
}

/** Errors by field name; rows as `fallbacks.2` or `aliases.0`. */
export type RoutingErrors = Record<string, string>;

const COUNT = (example: number): NumberRule => ({ whole: true, message: `A whole number, like ${example}.` });
const SECONDS = (example: number): NumberRule => ({ message: `Seconds, like ${example}.` });

const NUMBERS = {
  numRetries: COUNT(2),
  retryAfterSeconds: SECONDS(0.5),
  timeoutSeconds: { positive: true, message: 'Seconds above zero, like 600.' },
  streamTimeoutSeconds: { positive: true, optional: true, message: 'Seconds above zero, or empty for no limit.' },
  allowedFails: COUNT(3),
  cooldownSeconds: SECONDS(5),
  maxFallbacks: COUNT(5),
  cacheTtlSeconds: { positive: true, message: 'Seconds above zero, like 600.' },
  cacheMaxEntries: { whole: true, positive: true, message: 'A whole number above zero, like 1000.' },
} satisfies Partial<Record<keyof RoutingDraft, NumberRule>>;

const rowsOf = (map: Record<string, string[]>): FallbackRow[] => Object.entries(map).map(([from, to]) => ({ from, to: [...to] }));
const mapOf = (rows: FallbackRow[]): Record<string, string[]> => Object.fromEntries(rows.map((row) => [row.from.trim(), row.to]));

export function draftOf(settings: RoutingSettings): RoutingDraft {
  return {
    strategy: settings.strategy,
    numRetries: String(settings.numRetries),
    retryAfterSeconds: String(settings.retryAfterSeconds),
    timeoutSeconds: String(settings.timeoutSeconds),
    streamTimeoutSeconds: textOf(settings.streamTimeoutSeconds),
    allowedFails: String(settings.allowedFails),
    cooldownSeconds: String(settings.cooldownSeconds),
    maxFallbacks: String(settings.maxFallbacks),
    fallbacks: rowsOf(settings.fallbacks),
    contextWindowFallbacks: rowsOf(settings.contextWindowFallbacks),
    contentPolicyFallbacks: rowsOf(settings.contentPolicyFallbacks),
    defaultFallbacks: [...settings.defaultFallbacks],
    aliases: Object.entries(settings.modelGroupAlias).map(([alias, target]) => ({ alias, model: target.model, hidden: target.hidden })),
    cacheEnabled: settings.cache.enabled,
    cacheTtlSeconds: String(settings.cache.ttlSeconds),
    cacheMaxEntries: String(settings.cache.maxEntries),
    dropParams: settings.dropParams,
    offlineFallback: settings.offlineFallback ?? '',
  };
}

/** Names that appear twice in a list, by the index of each later one. */
function repeats(names: string[]): Set<number> {
  const seen = new Set<string>();
  const again = new Set<number>();
  names.forEach((name, index) => {
    if (name && seen.has(name)) again.add(index);
    seen.add(name);
  });
  return again;
}

/** What is wrong with each field or row, said next to it; empty when the draft can be saved. */
export function draftErrors(draft: RoutingDraft): RoutingErrors {
  const errors: RoutingErrors = numberErrors(draft, NUMBERS);
  for (const { key } of FALLBACK_KINDS) {
    const rows = draft[key];
    const again = repeats(rows.map((row) => row.from.trim()));
    rows.forEach((row, index) => {
      const message = !row.from.trim()
        ? 'Choose the group these fallbacks are for.'
        : again.has(index)
          ? `“${row.from.trim()}” already has fallbacks above; add to that row.`
          : row.to.length === 0
            ? 'Add at least one group to try instead.'
            : null;
      if (message) errors[`${key}.${index}`] = message;
    });
  }
  const again = repeats(draft.aliases.map((row) => row.alias.trim()));
  draft.aliases.forEach((row, index) => {
    const message = !row.alias.trim() ? 'Name the alias your tools will ask for.' : again.has(index) ? `“${row.alias.trim()}” is already an alias above.` : !row.model ? 'Choose the group it routes to.' : null;
    if (message) errors[`aliases.${index}`] = message;
  });
  return errors;
}

/** The settings a valid draft means, with the routes as they are (the Routes section edits those). */
export function settingsOf(draft: RoutingDraft, routes: RoutingSettings['routes']): RoutingSettings {
  const number = (text: string): number => numberOf(text) ?? 0;
  return {
    strategy: draft.strategy,
    numRetries: number(draft.numRetries),
    retryAfterSeconds: number(draft.retryAfterSeconds),
    timeoutSeconds: number(draft.timeoutSeconds),
    streamTimeoutSeconds: numberOf(draft.streamTimeoutSeconds),
    allowedFails: number(draft.allowedFails),
    cooldownSeconds: number(draft.cooldownSeconds),
    fallbacks: mapOf(draft.fallbacks),
    contextWindowFallbacks: mapOf(draft.contextWindowFallbacks),
    contentPolicyFallbacks: mapOf(draft.contentPolicyFallbacks),
    defaultFallbacks: [...draft.defaultFallbacks],
    maxFallbacks: number(draft.maxFallbacks),
    modelGroupAlias: Object.fromEntries(draft.aliases.map((row) => [row.alias.trim(), { model: row.model, hidden: row.hidden }])),
    cache: { enabled: draft.cacheEnabled, ttlSeconds: number(draft.cacheTtlSeconds), maxEntries: number(draft.cacheMaxEntries) },
    dropParams: draft.dropParams,
    routes,
    offlineFallback: draft.offlineFallback || null,
  };
}
