// LiteLLM's proxy-only request fields: LiteLLM reads them and never sends them on, so neither
// does Loopgate (an upstream would refuse the unknown field, or bill for what it misreads).
// Request-level fallbacks and num_retries steer the attempt loop; mock_response answers
// without an upstream; the rest are consumed and dropped.
import type { Dialect } from '../../core/deployment.js';
import { GatewayError } from '../../core/errors.js';
import type { Json } from '../../dialects/types.js';

/** Fields LiteLLM consumes on every route. */
const LITELLM_ONLY = [
  'fallbacks',
  'context_window_fallbacks',
  'content_policy_fallbacks',
  'disable_fallbacks',
  'num_retries',
  'max_retries',
  'mock_response',
  'mock_testing_fallbacks',
  'mock_timeout',
  'litellm_metadata',
  'tags',
  'guardrails',
  'caching',
  'cache',
  'no-log',
  'ttl',
  // Client-side credentials and prices: never taken from a client, never sent on.
  'api_key',
  'api_base',
  'base_url',
  'api_version',
  'input_cost_per_token',
  'output_cost_per_token',
] as const;

/**
 * `metadata` is LiteLLM's on the OpenAI-shaped routes; on Responses, Anthropic Messages and
 * Gemini it is the API's own field (Claude Code's `metadata.user_id`) and passes through.
 */
const METADATA_IS_LITELLMS: ReadonlySet<Dialect> = new Set(['chat', 'completions', 'embeddings', 'images', 'moderations']);

/** Retries a request may ask for, at most: a client cannot turn one request into a flood. */
const MAX_REQUEST_RETRIES = 10;

export interface LiteLLMRequestParams {
  /** Request-level fallbacks by kind (model names), in order; null: the routing settings' own. */
  fallbacks: { general: string[] | null; context_window: string[] | null; content_policy: string[] | null };
  /** Retries in each group; null: the routing settings' own. */
  numRetries: number | null;
  /** An answer to give without asking any upstream. */
  mockResponse: string | null;
}

/** Looked up per field of the body (a handful), rather than each of these tried on it. */
const LITELLM_FIELDS: ReadonlySet<string> = new Set(LITELLM_ONLY);

/** A body without any of LiteLLM's fields asks for nothing (shared, so never changed). */
const NONE_ASKED: LiteLLMRequestParams = Object.freeze({ fallbacks: Object.freeze({ general: null, context_window: null, content_policy: null }), numRetries: null, mockResponse: null });

/** The body without LiteLLM's fields (the same object when it has none: most requests), what they asked for, and whether anything was taken out. */
export function takeLiteLLMParams(dialect: Dialect, raw: Json): { body: Json; params: LiteLLMRequestParams; changed: boolean } {
  const metadataIsLiteLLMs = METADATA_IS_LITELLMS.has(dialect);
  let body: Json | null = null;
  for (const field in raw) {
    if (LITELLM_FIELDS.has(field) || (field === 'metadata' && metadataIsLiteLLMs)) delete (body ??= { ...raw })[field];
  }
  if (body === null) return { body: raw, params: NONE_ASKED, changed: false };
  const disabled = raw.disable_fallbacks === true;
  const params: LiteLLMRequestParams = {
    fallbacks: {
      general: disabled ? [] : modelList(raw, 'fallbacks'),
      context_window: disabled ? [] : modelList(raw, 'context_window_fallbacks'),
      content_policy: disabled ? [] : modelList(raw, 'content_policy_fallbacks'),
    },
    numRetries: retries(raw),
    mockResponse: mockResponse(raw),
  };
  return { body, params, changed: true };
}

/** LiteLLM's request-level fallbacks: model names, or `{ "model": name }` objects. */
function modelList(raw: Json, field: string): string[] | null {
  const value = raw[field];
  if (value === undefined || value === null) return null;
  const names = Array.isArray(value) ? value.map((entry: unknown) => (typeof entry === 'object' && entry !== null ? (entry as Json).model : entry)) : null;
  if (!names || !names.every((name): name is string => typeof name === 'string' && name !== '')) {
    throw new GatewayError('invalid_request', `"${field}" must be a list of model names.`, { param: field });
  }
  return names;
}

function retries(raw: Json): number | null {
  const field = raw.num_retries !== undefined && raw.num_retries !== null ? 'num_retries' : 'max_retries';
  const value = raw[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new GatewayError('invalid_request', `"${field}" must be a whole number, 0 or more.`, { param: field });
  }
  return Math.min(value, MAX_REQUEST_RETRIES);
}

function mockResponse(raw: Json): string | null {
  const value = raw.mock_response;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new GatewayError('invalid_request', '"mock_response" must be text.', { param: 'mock_response' });
  return value;
}
