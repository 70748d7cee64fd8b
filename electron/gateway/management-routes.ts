// The management API, master key only, in LiteLLM's shapes so existing scripts keep working:
// /key/generate, /key/info, /key/update, /key/delete, /key/list, /key/block, /key/unblock,
// /key/regenerate, /spend/logs. An adapter: LiteLLM's snake_case names in, the services'
// camelCase out and back; every rule lives in services/.
import type { KeyPatch, KeyView } from '../../shared/api.js';
import { isErrorCode } from '../../shared/errors.js';
import { GatewayError } from '../core/errors.js';
import type { DayTotals } from '../services/keys.js';
import type { Services } from '../services/index.js';
import type { RequestLogEntry } from '../store/usage.js';
import { readJsonObject } from './body.js';
import { sendObject, type RequestContext } from './context.js';

/** LiteLLM's key fields and the contract's names for them: the whole translation. */
const KEY_FIELDS = {
  key_alias: 'keyAlias',
  user_id: 'userId',
  team_id: 'teamId',
  models: 'models',
  aliases: 'aliases',
  rpm_limit: 'rpmLimit',
  tpm_limit: 'tpmLimit',
  max_parallel_requests: 'maxParallelRequests',
  max_budget: 'maxBudget',
  budget_duration: 'budgetDuration',
  duration: 'duration',
  blocked: 'blocked',
  metadata: 'metadata',
} as const satisfies Record<string, keyof KeyPatch>;
type LiteLLMField = keyof typeof KEY_FIELDS;

const LITELLM_NAME: Record<string, string> = {
  ...Object.fromEntries(Object.entries(KEY_FIELDS).map(([snake, camel]) => [camel, snake])),
  id: 'key',
  keyId: 'api_key',
  start: 'start_date',
  end: 'end_date',
};

function toPatch(body: Record<string, unknown>): KeyPatch {
  const patch: Record<string, unknown> = {};
  for (const [snake, camel] of Object.entries(KEY_FIELDS)) {
    if (body[snake as LiteLLMField] !== undefined) patch[camel] = body[snake as LiteLLMField];
  }
  return patch as KeyPatch;
}

/** The key reference LiteLLM scripts send: `"key"` (secret or token), and Loopgate's optional `version`. */
function keyRef(body: Record<string, unknown>, required = true): { key: string | null; version: number | undefined } {
  const key = typeof body.key === 'string' && body.key !== '' ? body.key : null;
  if (required && !key) throw new GatewayError('missing_field', 'Name the key as "key" (its secret or its token).', { param: 'key' });
  if (body.version !== undefined && (typeof body.version !== 'number' || !Number.isInteger(body.version))) {
    throw new GatewayError('invalid_request', 'version: expected a whole number', { param: 'version' });
  }
  return { key, version: body.version as number | undefined };
}

function iso(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}

/** A key in LiteLLM's field names, plus Loopgate's `version` and usage stats. */
function keyToApi(key: KeyView, today?: DayTotals) {
  return {
    token: key.id,
    key_name: `${key.keyPrefix}...`,
    key_alias: key.keyAlias,
    user_id: key.userId,
    team_id: key.teamId,
    models: key.models,
    aliases: key.aliases,
    rpm_limit: key.rpmLimit,
    tpm_limit: key.tpmLimit,
    max_parallel_requests: key.maxParallelRequests,
    max_budget: key.maxBudget,
    budget_duration: key.budgetDuration,
    budget_reset_at: iso(key.budgetResetAt),
    expires: iso(key.expiresAt),
    blocked: key.blocked,
    status: key.status,
    metadata: key.metadata,
    spend: key.spend,
    last_used_at: iso(key.lastUsedAt),
    created_at: iso(key.createdAt),
    updated_at: iso(key.updatedAt),
    version: key.version,
    usage: {
      total_requests: key.totalRequests,
      total_tokens: key.totalTokens,
      total_cost: key.totalSpend,
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
  if (!(error instanceof GatewayError) || !isErrorCode(error.code)) return error;
  const param = error.param === null ? null : (LITELLM_NAME[error.param] ?? error.param);
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
