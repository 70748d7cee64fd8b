// LiteLLM's names and shapes for the management API: snake_case key fields in and out, key and
// spend-log rows as LiteLLM's scripts read them, and service errors said in LiteLLM's field names.
import type { KeyPatch, KeyView } from '../../../shared/api.js';
import { GatewayError } from '../../core/errors.js';
import { KEY_PATCH_FIELDS, type DayTotals } from '../../services/keys.js';
import type { RequestLogEntry } from '../../store/request-log.js';
import { WrongKeyError } from '../access/auth-throttle.js';

/** LiteLLM spells every key field in snake_case; the contract in camelCase. That is the whole translation. */
const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

const PATCH_FIELD_BY_LITELLM_NAME = new Map(KEY_PATCH_FIELDS.map((field) => [snakeCase(field), field]));

/** Error params said in LiteLLM's names (the contract's names are derived, these are not). */
const LITELLM_NAME: Record<string, string> = { id: 'key', keyId: 'api_key', start: 'start_date', end: 'end_date' };

/** What LiteLLM reads as "nothing set" for these fields: `null` lists and maps, `""` amounts. */
const EMPTY_WHEN_NULL: Partial<Record<keyof KeyPatch, () => unknown>> = {
  models: () => [],
  metadata: () => ({}),
  aliases: () => ({}),
  tags: () => [],
  modelMaxBudget: () => ({}),
  modelRpmLimit: () => ({}),
  modelTpmLimit: () => ({}),
};
const NULL_WHEN_BLANK: ReadonlySet<keyof KeyPatch> = new Set(['maxBudget', 'softBudget']);

export function toPatch(body: Record<string, unknown>): KeyPatch {
  const patch: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const field = PATCH_FIELD_BY_LITELLM_NAME.get(name);
    if (!field || value === undefined) continue;
    const empty = EMPTY_WHEN_NULL[field];
    if (value === null && empty) patch[field] = empty();
    else if (value === '' && NULL_WHEN_BLANK.has(field)) patch[field] = null;
    else patch[field] = value;
  }
  return patch;
}

/** The key reference LiteLLM scripts send: `"key"` (secret or token), and Loopgate's optional `version`. */
export function keyRef(body: Record<string, unknown>, required = true): { key: string | null; version: number | undefined } {
  const key = typeof body.key === 'string' && body.key !== '' ? body.key : null;
  if (required && !key) throw new GatewayError('missing_field', 'Name the key as "key" (its secret or its token).', { param: 'key' });
  if (body.version !== undefined && (typeof body.version !== 'number' || !Number.isInteger(body.version))) {
    throw new GatewayError('invalid_request', 'version: expected a whole number', { param: 'version' });
  }
  return { key, version: body.version };
}

/** A list of non-empty strings named `param` in the body. */
export function keyList(body: Record<string, unknown>, param: string): string[] {
  const list = body[param];
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new GatewayError('invalid_request', `${param}: expected a list of non-empty strings`, { param });
  }
  return list as string[];
}

function iso(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}

/** A key in LiteLLM's field names, plus Loopgate's `version` and usage stats. */
export function keyToApi(key: KeyView, today?: DayTotals) {
  const { id, keyPrefix, budgetResetAt, expiresAt, lastUsedAt, createdAt, updatedAt, totalRequests, totalTokens, totalSpend, ...fields } = key;
  return {
    token: id,
    token_id: id,
    key_name: `${keyPrefix}...`,
    ...Object.fromEntries(Object.entries(fields).map(([name, value]) => [snakeCase(name), value])),
    budget_reset_at: iso(budgetResetAt),
    expires: iso(expiresAt),
    last_used_at: iso(lastUsedAt),
    created_at: iso(createdAt),
    updated_at: iso(updatedAt),
    usage: {
      total_requests: totalRequests,
      total_tokens: totalTokens,
      total_cost: totalSpend,
      ...(today ? { today_requests: today.requests, today_tokens: today.tokens, today_cost: today.cost } : {}),
    },
  };
}

/** LiteLLM's spend-log call types for the APIs Loopgate serves. */
const LITELLM_CALL_TYPES: Record<string, string> = {
  chat: 'acompletion',
  completions: 'atext_completion',
  embeddings: 'aembedding',
  images: 'aimage_generation',
  moderations: 'amoderation',
  anthropic: 'anthropic_messages',
  anthropic_count_tokens: 'count_tokens',
  responses: 'aresponses',
  gemini: 'agenerate_content',
  gemini_count_tokens: 'count_tokens',
  mcp: 'call_mcp_tool',
};

/** A request-log row in LiteLLM's SpendLogs names; `status_code` and the latency are Loopgate's. */
export function logToApi(entry: RequestLogEntry, apiBase: (deployment: string | null) => string | null, user: (keyId: string | null) => string | null) {
  return {
    request_id: entry.id,
    response_id: entry.responseId,
    api_key: entry.keyId,
    user: user(entry.keyId),
    model: entry.model,
    model_group: entry.model,
    model_id: entry.deployment,
    api_base: apiBase(entry.deployment),
    call_type: entry.callType === null ? null : (LITELLM_CALL_TYPES[entry.callType] ?? entry.callType),
    cache_hit: entry.cacheHit ? 'True' : 'False',
    status: entry.status < 400 ? 'success' : 'failure',
    status_code: entry.status,
    // LiteLLM's session_id column; it has no free-form project, so the name rides in metadata.
    session_id: entry.session,
    metadata: { user_api_key: entry.keyId, model_id: entry.deployment, status_code: entry.status, project: entry.project, usage_object: usageObject(entry) },
    startTime: new Date(entry.time - entry.latencyMs).toISOString(),
    endTime: new Date(entry.time).toISOString(),
    latency_ms: entry.latencyMs,
    prompt_tokens: entry.promptTokens,
    completion_tokens: entry.completionTokens,
    total_tokens: entry.totalTokens,
    spend: entry.cost,
    ...(entry.requestBody !== null ? { messages: entry.requestBody } : {}),
    ...(entry.responseBody !== null ? { response: entry.responseBody } : {}),
  };
}

/** The usage as LiteLLM's metadata.usage_object says it: cache reads and writes and reasoning among the prompt and completion tokens. */
function usageObject(entry: RequestLogEntry) {
  const parts = entry.tokenParts;
  return {
    prompt_tokens: entry.promptTokens,
    completion_tokens: entry.completionTokens,
    total_tokens: entry.totalTokens,
    cache_read_input_tokens: parts?.cacheReadTokens ?? 0,
    cache_creation_input_tokens: parts?.cacheWriteTokens ?? 0,
    prompt_tokens_details: { cached_tokens: parts?.cacheReadTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: parts?.reasoningTokens ?? 0 },
  };
}

/** A service error said in LiteLLM's names: its field, and a conflict's current key. */
export function inLiteLLMTerms(error: unknown): unknown {
  // A guess stays one, so the throttle counts it (its param is "key" in both vocabularies).
  if (!(error instanceof GatewayError) || error instanceof WrongKeyError) return error;
  const param = error.param === null ? null : (LITELLM_NAME[error.param] ?? snakeCase(error.param));
  const message = error.param !== null && param !== error.param ? error.message.replace(`${error.param}:`, `${param}:`) : error.message;
  const current = error.code === 'conflict' && error.current !== undefined ? keyToApi(error.current as KeyView) : error.current;
  return new GatewayError(error.code, message, { param, status: error.status, headers: error.headers, current });
}

export function positiveInt(value: string | null, fallback: number, param: string): number {
  if (value === null) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new GatewayError('invalid_request', `${param} must be a positive integer`, { param });
  return number;
}

/** `YYYY-MM-DD` (whole UTC day; an end date includes that day) or an ISO timestamp. */
export function dateParam(value: string, param: string, endOfDay = false): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new GatewayError('invalid_request', `${param} must be a date like 2026-11-28`, { param });
  return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(value) ? time + 86_400_000 : time;
}
