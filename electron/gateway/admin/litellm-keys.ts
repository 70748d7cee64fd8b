// The management API, master key only, in LiteLLM's shapes so existing scripts keep working:
// /key/generate, /key/info, /key/update, /key/delete, /key/list, /key/block, /key/unblock,
// /key/regenerate, /spend/logs. An adapter: LiteLLM's snake_case names in, the services'
// camelCase out and back; every rule lives in services/.
import type { KeyPatch, KeyView } from '../../../shared/api.js';
import { GatewayError } from '../../core/errors.js';
import { hashKey } from '../../services/key-secrets.js';
import { KEY_PATCH_FIELDS, type DayTotals } from '../../services/keys.js';
import type { Services } from '../../services/index.js';
import type { RequestLogEntry, SpendLogQuery } from '../../store/request-log.js';
import { WrongKeyError } from '../access/auth-throttle.js';
import { readJsonObject } from '../http/body.js';
import { sendObject, type RequestContext } from '../http/context.js';

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

function toPatch(body: Record<string, unknown>): KeyPatch {
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
function keyRef(body: Record<string, unknown>, required = true): { key: string | null; version: number | undefined } {
  const key = typeof body.key === 'string' && body.key !== '' ? body.key : null;
  if (required && !key) throw new GatewayError('missing_field', 'Name the key as "key" (its secret or its token).', { param: 'key' });
  if (body.version !== undefined && (typeof body.version !== 'number' || !Number.isInteger(body.version))) {
    throw new GatewayError('invalid_request', 'version: expected a whole number', { param: 'version' });
  }
  return { key, version: body.version };
}

/** A list of non-empty strings named `param` in the body. */
function keyList(body: Record<string, unknown>, param: string): string[] {
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
function keyToApi(key: KeyView, today?: DayTotals) {
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

/** A request-log row in LiteLLM's SpendLogs names; `status_code` and the latency are Loopgate's. */
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
};

function logToApi(entry: RequestLogEntry, apiBase: (deployment: string | null) => string | null, user: (keyId: string | null) => string | null) {
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
    metadata: { user_api_key: entry.keyId, model_id: entry.deployment, status_code: entry.status },
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
  // A guess stays one, so the throttle counts it (its param is "key" in both vocabularies).
  if (!(error instanceof GatewayError) || error instanceof WrongKeyError) return error;
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
      const body = await readJsonObject(ctx.req);
      // `key`: a secret the caller chose (moving keys over from LiteLLM); kept only as its hash, like ours.
      const secret = body.key === undefined || body.key === null ? {} : { secret: body.key };
      const created = await this.services.keys.create(toPatch(body), { ...secret, createdBy: 'master key' });
      // The only time the secret is ever shown.
      return { key: created.secret, ...keyToApi(created.key) };
    });
  }

  /**
   * `?key=` names a key; without it, the calling virtual key answers for itself. A virtual key
   * sees only itself: any other name, of a key that exists or not, gets the same 403 and counts
   * as a wrong-key guess (nothing is looked up, so nothing tells the two apart).
   */
  info(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const ref = new URLSearchParams(ctx.search).get('key');
      const caller = ctx.caller;
      const own = caller?.kind === 'virtual' ? caller.key : null;
      if (!ref && own === null) throw new GatewayError('missing_field', 'Pass the key (or its token) as ?key=..., or call with the virtual key itself.', { param: 'key' });
      if (own !== null && ref && ref !== own.id && hashKey(ref) !== own.keyHash) {
        throw new WrongKeyError('A virtual key may only read its own info.', 'permission', 'key');
      }
      const { key, today } = await this.services.keys.info(ref || own!.id);
      return { key: key.id, info: keyToApi(key, today) };
    });
  }

  /** LiteLLM's POST /v2/key/info: `{"keys": [...]}` → every key's info. */
  infoMany(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const refs = keyList(await readJsonObject(ctx.req), 'keys');
      const infos = [];
      for (const ref of refs) {
        const { key, today } = await this.services.keys.info(ref);
        infos.push(keyToApi(key, today));
      }
      return { key: refs, info: infos };
    });
  }

  /** LiteLLM's POST /key/health: whether the calling key works. Loopgate has no logging callbacks to check. */
  health(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, () => Promise.resolve({ key: 'healthy', logging_callbacks: null }));
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
      const body = await readJsonObject(ctx.req).catch((): Record<string, unknown> => ({}));
      const ref = keyRef(body, pathKey === null);
      const key = await this.services.keys.find(pathKey ?? ref.key!);
      // Fields sent along (budget, alias, ...) apply to the regenerated key, as in LiteLLM.
      const regenerated = await this.services.keys.regenerate(key.id, ref.version, toPatch(body));
      return { key: regenerated.secret, ...keyToApi(regenerated.key) };
    });
  }

  /** `{"keys": [...]}` (secrets or tokens) and/or `{"key_aliases": [...]}`, as LiteLLM takes them. */
  delete(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const body = await readJsonObject(ctx.req);
      if (body.keys === undefined && body.key_aliases === undefined) {
        throw new GatewayError('invalid_request', 'keys: expected a list of keys (secrets or tokens), or key_aliases', { param: 'keys' });
      }
      const ids = new Set<string>();
      if (body.keys !== undefined) for (const ref of keyList(body, 'keys')) ids.add((await this.services.keys.find(ref)).id);
      if (body.key_aliases !== undefined) {
        for (const alias of keyList(body, 'key_aliases')) {
          const found = await this.services.keys.findByAlias(alias);
          if (found.length === 0) throw new GatewayError('not_found', `key_aliases: no key has the alias "${alias}"`, { param: 'key_aliases' });
          for (const key of found) ids.add(key.id);
        }
      }
      return { deleted_keys: await this.services.keys.delete([...ids]) };
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

  /** `api_key`, `user_id`, `request_id`, `model`, `start_date`, `end_date`, `limit`; rows in LiteLLM's SpendLogs names. */
  spendLogs(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const query = new URLSearchParams(ctx.search);
      const apiKey = query.get('api_key');
      const userId = query.get('user_id');
      const requestId = query.get('request_id');
      const start = query.get('start_date');
      const end = query.get('end_date');
      const limit = Math.min(positiveInt(query.get('limit'), 100, 'limit'), 1000);
      const filter = {
        id: requestId || undefined,
        model: query.get('model') || undefined,
        start: start ? dateParam(start, 'start_date') : undefined,
        end: end ? dateParam(end, 'end_date', true) : undefined,
      };
      let keyIds: Array<string | undefined> = [apiKey ? (await this.services.keys.find(apiKey)).id : undefined];
      if (userId) {
        const owned = (await this.services.keys.list({ userId, page: 1, size: 100 })).keys.map((key) => key.id);
        keyIds = keyIds[0] === undefined ? owned : owned.filter((id) => id === keyIds[0]);
      }
      const find = async (by: Omit<SpendLogQuery, 'limit'>): Promise<RequestLogEntry[]> =>
        (await Promise.all(keyIds.map((keyId) => this.services.usage.entries({ ...by, keyId, limit }))))
          .flat()
          .sort((a, b) => b.time - a.time)
          .slice(0, limit);
      let rows = await find(filter);
      // LiteLLM's request_id is the answer's own id (chatcmpl-…); Loopgate's x-request-id finds a row too.
      if (requestId && rows.length === 0) rows = await find({ ...filter, id: undefined, responseId: requestId });
      const deployments = new Map(this.services.models.liveDeployments().map((d) => [d.id, d.apiBase.origin + d.apiBase.pathname.replace(/\/+$/, '')]));
      const users = new Map<string, string | null>();
      for (const id of new Set(rows.map((row) => row.keyId).filter((id): id is string => id !== null))) {
        users.set(id, (await this.services.keys.find(id).catch(() => null))?.userId ?? null);
      }
      return rows.map((row) =>
        logToApi(
          row,
          (id) => (id === null ? null : (deployments.get(id) ?? null)),
          (id) => (id === null ? null : (users.get(id) ?? null)),
        ),
      );
    });
  }

  /** LiteLLM's GET /global/spend: everything spent, every key and the master key. */
  globalSpend(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const spend = [...(await this.services.keys.spendByKey()).values()].reduce((sum, cost) => sum + cost, 0);
      return { spend, max_budget: null };
    });
  }

  /** LiteLLM's GET /global/spend/keys?limit=: the keys that spent most, most first. */
  globalSpendKeys(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const limit = positiveInt(new URLSearchParams(ctx.search).get('limit'), 100, 'limit');
      const byKey = [...(await this.services.keys.spendByKey())].filter(([id]) => id !== '').sort((a, b) => b[1] - a[1]).slice(0, limit);
      const rows = [];
      for (const [id, spend] of byKey) {
        const key = await this.services.keys.find(id).catch(() => null);
        rows.push({ api_key: id, total_spend: spend, key_alias: key?.keyAlias ?? null, key_name: key ? `${key.keyPrefix}...` : null });
      }
      return rows;
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
