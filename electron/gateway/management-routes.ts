// The management API, master key only, in LiteLLM's shapes so existing scripts keep working:
// /key/generate, /key/info, /key/update, /key/delete, /key/list, /key/block, /key/unblock,
// /key/regenerate, /spend/logs.
import { z } from 'zod';
import { keyStatus, parseDuration, type KeyStatus, type VirtualKey } from '../../shared/keys.js';
import { formatPath } from '../config/path.js';
import type { Store } from '../store/index.js';
import { ConflictError, NotFoundError } from '../store/errors.js';
import { emptySettings, type KeySettings } from '../store/keys.js';
import { randomBase62 } from '../store/secrets.js';
import { utcDay, type RequestLogEntry } from '../store/usage.js';
import type { Accounting } from './accounting.js';
import { readJsonObject } from './body.js';
import { sendObject, type RequestContext } from './context.js';
import { GatewayError } from '../core/errors.js';
import { hashKey, KEY_PREFIX, mintSecret } from './virtual-keys.js';

export interface ManagementDeps {
  store: Store;
  accounting: Accounting;
  clock: () => number;
}

const duration = z.string().refine((text) => parseDuration(text) !== null, 'expected a duration such as "30s", "1h", "30d"');
const limit = z.number().int().nonnegative().nullable();

const keySettingsSchema = z.object({
  models: z.array(z.string()).optional(),
  aliases: z.record(z.string(), z.string()).optional(),
  max_budget: z.number().nonnegative().nullable().optional(),
  budget_duration: duration.nullable().optional(),
  rpm_limit: limit.optional(),
  tpm_limit: limit.optional(),
  max_parallel_requests: limit.optional(),
  duration: duration.nullable().optional(),
  key_alias: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  user_id: z.string().nullable().optional(),
  team_id: z.string().nullable().optional(),
  blocked: z.boolean().optional(),
});
type KeySettingsBody = z.infer<typeof keySettingsSchema>;

const keyRefSchema = z.object({ key: z.string().min(1), version: z.number().int().positive().optional() });
const updateSchema = keySettingsSchema.extend(keyRefSchema.shape);
const deleteSchema = z.object({ keys: z.array(z.string().min(1)).min(1) });

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = formatPath(issue.path) || null;
  throw new GatewayError('invalid_request', param ? `${param}: ${issue.message}` : issue.message, { param });
}

function iso(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}

/** A key in LiteLLM's field names, plus Loopgate's `version` and usage stats. */
function keyToApi(key: VirtualKey, now: number, today?: { requests: number; tokens: number; cost: number }) {
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
    status: keyStatus(key, now),
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

export class ManagementApi {
  constructor(private readonly deps: ManagementDeps) {}

  async generate(ctx: RequestContext): Promise<void> {
    const body = parseBody(keySettingsSchema, await readJsonObject(ctx.req));
    const now = this.deps.clock();
    const minted = mintSecret();
    const key = await this.deps.store.keys.create({
      id: `key_${randomBase62(16)}`,
      keyHash: minted.keyHash,
      keyPrefix: minted.keyPrefix,
      createdAt: now,
      ...this.settings(body, emptySettings(), now),
    });
    // The only time the secret is ever shown.
    sendObject(ctx, 200, { key: minted.secret, ...keyToApi(key, now) });
  }

  async info(ctx: RequestContext): Promise<void> {
    const ref = new URLSearchParams(ctx.search).get('key');
    if (!ref) throw new GatewayError('missing_field', 'Pass the key (or its token) as ?key=...', { param: 'key' });
    // Pending usage is written first so the numbers are exact.
    await this.deps.accounting.flush();
    const key = await this.find(ref);
    const today = utcDay(this.deps.clock());
    const rows = await this.deps.store.usage.dailySpend({ keyId: key.id, fromDay: today, toDay: today });
    const totals = rows.reduce(
      (sum, row) => ({ requests: sum.requests + row.requests, tokens: sum.tokens + row.totalTokens, cost: sum.cost + row.cost }),
      { requests: 0, tokens: 0, cost: 0 },
    );
    sendObject(ctx, 200, { key: key.id, info: keyToApi(key, this.deps.clock(), totals) });
  }

  async update(ctx: RequestContext): Promise<void> {
    const body = parseBody(updateSchema, await readJsonObject(ctx.req));
    const current = await this.find(body.key);
    const now = this.deps.clock();
    const next = this.settings(body, current, now);
    const key = await this.guard(() => this.deps.store.keys.update(current.id, next, body.version));
    sendObject(ctx, 200, keyToApi(key, now));
  }

  async setBlocked(ctx: RequestContext, blocked: boolean): Promise<void> {
    const body = parseBody(keyRefSchema, await readJsonObject(ctx.req));
    const current = await this.find(body.key);
    const key = await this.guard(() => this.deps.store.keys.setActive(current.id, !blocked, body.version));
    sendObject(ctx, 200, keyToApi(key, this.deps.clock()));
  }

  async regenerate(ctx: RequestContext, pathKey: string | null): Promise<void> {
    const raw = await readJsonObject(ctx.req).catch(() => ({}));
    const body = parseBody(keyRefSchema.partial({ key: true }), raw);
    const ref = pathKey ?? body.key;
    if (!ref) throw new GatewayError('missing_field', 'Name the key to regenerate as "key".', { param: 'key' });
    const current = await this.find(ref);
    const minted = mintSecret();
    const key = await this.guard(() => this.deps.store.keys.replaceSecret(current.id, minted, body.version));
    sendObject(ctx, 200, { key: minted.secret, ...keyToApi(key, this.deps.clock()) });
  }

  async delete(ctx: RequestContext): Promise<void> {
    const body = parseBody(deleteSchema, await readJsonObject(ctx.req));
    const keys = await Promise.all(body.keys.map((ref) => this.find(ref)));
    const deleted: string[] = [];
    for (const key of keys) if (await this.deps.store.keys.delete(key.id)) deleted.push(key.id);
    sendObject(ctx, 200, { deleted_keys: deleted });
  }

  async list(ctx: RequestContext): Promise<void> {
    const query = new URLSearchParams(ctx.search);
    const page = positiveInt(query.get('page'), 1, 'page');
    const size = Math.min(positiveInt(query.get('size'), 10, 'size'), 100);
    const status = query.get('status');
    if (status !== null && !['active', 'revoked', 'expired'].includes(status)) {
      throw new GatewayError('invalid_request', 'status must be one of active, revoked, expired', { param: 'status' });
    }
    const now = this.deps.clock();
    const { keys, total } = await this.deps.store.keys.list({
      page,
      size,
      now,
      ...(status ? { status: status as KeyStatus } : {}),
      ...(query.get('user_id') ? { userId: query.get('user_id')! } : {}),
      ...(query.get('team_id') ? { teamId: query.get('team_id')! } : {}),
      ...(query.get('key_alias') ? { keyAlias: query.get('key_alias')! } : {}),
    });
    const full = query.get('return_full_object') === 'true';
    sendObject(ctx, 200, {
      keys: full ? keys.map((key) => keyToApi(key, now)) : keys.map((key) => key.id),
      total_count: total,
      current_page: page,
      total_pages: Math.ceil(total / size),
    });
  }

  async spendLogs(ctx: RequestContext): Promise<void> {
    const query = new URLSearchParams(ctx.search);
    await this.deps.accounting.flush();
    const apiKey = query.get('api_key');
    const keyId = apiKey ? (await this.find(apiKey)).id : undefined;
    const logs = await this.deps.store.usage.spendLogs({
      limit: Math.min(positiveInt(query.get('limit'), 100, 'limit'), 1000),
      ...(keyId ? { keyId } : {}),
      ...(query.get('model') ? { model: query.get('model')! } : {}),
      ...(query.get('start_date') ? { start: dateParam(query.get('start_date')!, 'start_date') } : {}),
      ...(query.get('end_date') ? { end: dateParam(query.get('end_date')!, 'end_date', true) } : {}),
    });
    sendObject(ctx, 200, logs.map(logToApi));
  }

  /** A key reference is the secret itself or the key's token (id). */
  private async find(ref: string): Promise<VirtualKey> {
    const keys = this.deps.store.keys;
    const key = ref.startsWith(KEY_PREFIX) ? await keys.findByHash(hashKey(ref)) : await keys.findById(ref);
    if (!key) throw new GatewayError('not_found', 'No such key.', { param: 'key' });
    return key;
  }

  private async guard(change: () => Promise<VirtualKey>): Promise<VirtualKey> {
    try {
      return await change();
    } catch (error) {
      if (error instanceof ConflictError) {
        const current = error.current as VirtualKey;
        throw new GatewayError('conflict', error.message, { current: keyToApi(current, this.deps.clock()) });
      }
      if (error instanceof NotFoundError) throw new GatewayError('not_found', error.message, { param: 'key' });
      throw error;
    }
  }

  /** Applies the fields a body names onto `base`; absent fields keep their value. */
  private settings(body: KeySettingsBody, base: KeySettings, now: number): KeySettings {
    const pick = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);
    const budgetDuration = pick(body.budget_duration, base.budgetDuration);
    const budgetChanged = body.budget_duration !== undefined && body.budget_duration !== base.budgetDuration;
    return {
      keyAlias: pick(body.key_alias, base.keyAlias),
      userId: pick(body.user_id, base.userId),
      teamId: pick(body.team_id, base.teamId),
      models: pick(body.models, base.models),
      aliases: pick(body.aliases, base.aliases),
      rpmLimit: pick(body.rpm_limit, base.rpmLimit),
      tpmLimit: pick(body.tpm_limit, base.tpmLimit),
      maxParallelRequests: pick(body.max_parallel_requests, base.maxParallelRequests),
      maxBudget: pick(body.max_budget, base.maxBudget),
      budgetDuration,
      budgetResetAt:
        budgetChanged || (budgetDuration && base.budgetResetAt === null)
          ? budgetDuration
            ? now + parseDuration(budgetDuration)!
            : null
          : base.budgetResetAt,
      expiresAt: body.duration === undefined ? base.expiresAt : body.duration === null ? null : now + parseDuration(body.duration)!,
      blocked: pick(body.blocked, base.blocked),
      metadata: pick(body.metadata, base.metadata),
    };
  }
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
