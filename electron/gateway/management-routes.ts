// The management API, master key only, in LiteLLM's shapes so existing scripts keep working:
// /key/generate, /key/info, /key/update, /key/delete, /key/list, /key/block, /key/unblock,
// /key/regenerate, /spend/logs. An adapter: LiteLLM's snake_case names in, the services'
// camelCase out and back; every rule lives in services/.
import type { KeyPatch, KeyView } from '../../shared/api.js';
import { GatewayError } from '../core/errors.js';
import { KEY_PATCH_FIELDS, type DayTotals } from '../services/keys.js';
import type { Services } from '../services/index.js';
import type { RequestLogEntry } from '../store/usage.js';
import { readJsonObject } from './body.js';
import { sendObject, type RequestContext } from './context.js';

/** LiteLLM spells every key field in snake_case; the contract in camelCase. That is the whole translation. */
const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

const PATCH_FIELD_BY_LITELLM_NAME = new Map(KEY_PATCH_FIELDS.map((field) => [snakeCase(field), field]));

/** Error params said in LiteLLM's names (the contract's names are derived, these are not). */
const LITELLM_NAME: Record<string, string> = { id: 'key', keyId: 'api_key', start: 'start_date', end: 'end_date' };

function toPatch(body: Record<string, unknown>): KeyPatch {
  const patch: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const field = PATCH_FIELD_BY_LITELLM_NAME.get(name);
    if (field && value !== undefined) patch[field] = value;
  }
  return patch;
}

/** The key reference LiteLLM scripts send: `"key"` (secret or token), and Loopgate's optional `version`. */
function keyRef(body: Record<string, unknown>, required = true): { key: string | null; version: number | undefined } {
  const key = typeof body.key === 'string' && body.key !== '' ? body.key : null;
  if (required && !key) throw new GatewayError('missing_field', 'Name the key as "key" (its secret or its token).', { param: 'key' });
  if (body.version !== undefined && (typeof body.version !== 'number' || !Number.isInteger(body.version))) {
    throw new GatewayError('invalid_request', 'version: expected a whole number', { param: 'version' });
  }
  return { key, version: body.version };
}

function iso(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}

/** A key in LiteLLM's field names, plus Loopgate's `version` and usage stats. */
function keyToApi(key: KeyView, today?: DayTotals) {
  const { id, keyPrefix, budgetResetAt, expiresAt, lastUsedAt, createdAt, updatedAt, totalRequests, totalTokens, totalSpend, ...fields } = key;
  return {
    token: id,
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

function logToApi(entry: RequestLogEntry) {
  return {
    request_id: entry.id,
    api_key: entry.keyId,
    model: entry.model,
    model_id: entry.deployment,
    status: entry.status,
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

/** A service error said in LiteLLM's names: its field, and a conflict's current key. */
function inLiteLLMTerms(error: unknown): unknown {
  if (!(error instanceof GatewayError)) return error;
  const param = error.param === null ? null : (LITELLM_NAME[error.param] ?? snakeCase(error.param));
  const message = error.param !== null && param !== error.param ? error.message.replace(`${error.param}:`, `${param}:`) : error.message;
  const current = error.code === 'conflict' && error.current !== undefined ? keyToApi(error.current as KeyView) : error.current;
  return new GatewayError(error.code, message, { param, status: error.status, headers: error.headers, current });
}

function positiveInt(value: string | null, fallback: number, param: string): number {
  if (value === null) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new GatewayError('invalid_request', `${param} must be a positive integer`, { param });
  return number;
}

/** `YYYY-MM-DD` (whole UTC day; an end date includes that day) or an ISO timestamp. */
function dateParam(value: string, param: string, endOfDay = false): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new GatewayError('invalid_request', `${param} must be a date like 2026-11-28`, { param });
  return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(value) ? time + 86_400_000 : time;
}

export class ManagementApi {
  constructor(private readonly services: Services) {}

  generate(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const created = await this.services.keys.create(toPatch(await readJsonObject(ctx.req)));
      // The only time the secret is ever shown.
      return { key: created.secret, ...keyToApi(created.key) };
    });
  }

  info(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const ref = new URLSearchParams(ctx.search).get('key');
      if (!ref) throw new GatewayError('missing_field', 'Pass the key (or its token) as ?key=...', { param: 'key' });
      const { key, today } = await this.services.keys.info(ref);
      return { key: key.id, info: keyToApi(key, today) };
    });
  }

  update(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const body = await readJsonObject(ctx.req);
      const ref = keyRef(body);
      const key = await this.services.keys.find(ref.key!);
      return keyToApi(await this.services.keys.update(key.id, ref.version, toPatch(body)));
    });
  }

  setBlocked(ctx: RequestContext, blocked: boolean): Promise<void> {
    return this.answer(ctx, async () => {
      const ref = keyRef(await readJsonObject(ctx.req));
      const key = await this.services.keys.find(ref.key!);
      return keyToApi(await this.services.keys.setActive(key.id, !blocked, ref.version));
    });
  }

  regenerate(ctx: RequestContext, pathKey: string | null): Promise<void> {
    return this.answer(ctx, async () => {
      const ref = keyRef(await readJsonObject(ctx.req).catch(() => ({})), pathKey === null);
      const key = await this.services.keys.find(pathKey ?? ref.key!);
      const regenerated = await this.services.keys.regenerate(key.id, ref.version);
      return { key: regenerated.secret, ...keyToApi(regenerated.key) };
    });
  }

  delete(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const body = await readJsonObject(ctx.req);
      const refs = body.keys;
      if (!Array.isArray(refs) || refs.length === 0 || !refs.every((ref) => typeof ref === 'string' && ref !== '')) {
        throw new GatewayError('invalid_request', 'keys: expected a list of keys (secrets or tokens)', { param: 'keys' });
      }
      const keys = await Promise.all(refs.map((ref: string) => this.services.keys.find(ref)));
      return { deleted_keys: await this.services.keys.delete(keys.map((key) => key.id)) };
    });
  }

  list(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const query = new URLSearchParams(ctx.search);
      const page = positiveInt(query.get('page'), 1, 'page');
      const size = Math.min(positiveInt(query.get('size'), 10, 'size'), 100);
      const status = query.get('status');
      if (status !== null && !['active', 'revoked', 'expired'].includes(status)) {
        throw new GatewayError('invalid_request', 'status must be one of active, revoked, expired', { param: 'status' });
      }
      const filter = (name: string): string | undefined => query.get(name) || undefined;
      const { keys, total } = await this.services.keys.list({
        page,
        size,
        status: (status ?? undefined) as 'active' | 'revoked' | 'expired' | undefined,
        userId: filter('user_id'),
        teamId: filter('team_id'),
        keyAlias: filter('key_alias'),
      });
      const full = query.get('return_full_object') === 'true';
      return {
        keys: full ? keys.map((key) => keyToApi(key)) : keys.map((key) => key.id),
        total_count: total,
        current_page: page,
        total_pages: Math.ceil(total / size),
      };
    });
  }

  spendLogs(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const query = new URLSearchParams(ctx.search);
      const apiKey = query.get('api_key');
      const start = query.get('start_date');
      const end = query.get('end_date');
      const logs = await this.services.usage.entries({
        limit: Math.min(positiveInt(query.get('limit'), 100, 'limit'), 1000),
        keyId: apiKey ? (await this.services.keys.find(apiKey)).id : undefined,
        model: query.get('model') || undefined,
        start: start ? dateParam(start, 'start_date') : undefined,
        end: end ? dateParam(end, 'end_date', true) : undefined,
      });
      return logs.map(logToApi);
    });
  }

  private async answer(ctx: RequestContext, work: () => Promise<unknown>): Promise<void> {
    let value: unknown;
    try {
      value = await work();
    } catch (error) {
      throw inLiteLLMTerms(error);
    }
    sendObject(ctx, 200, value);
  }
}
