// Virtual keys: every create and edit, from the app or LiteLLM's /key/* API, is checked by one
// schema and merged by one rule here. Adapters only rename fields.
import { isSecretGuardMode, KEY_MODE_FIELD, SECRET_GUARD_MODES } from '../../shared/secret-guard.js';
import { z } from 'zod';
import type { KeyPatch, KeyView } from '../../shared/api.js';
import { CAPTURE_MODES, keyStatus, parseDuration, type KeySettings, type KeyStatus, type VirtualKey } from '../../shared/keys.js';
import type { Store } from '../store/index.js';
import { emptySettings } from '../store/keys.js';
import { randomBase62 } from '../store/secrets.js';
import { utcDay } from '../core/utc-day.js';
import { alreadyTaken, notFound, quoted, storeChange } from './errors.js';
import { hashKey, mintSecret, ownedSecret } from './key-secrets.js';
import { GatewayError } from '../core/errors.js';
import type { PendingUsage } from './ports.js';
import { durationText, MAX_LENGTH, optionalLimit, parseInput, text } from './validation.js';

export interface KeyServiceDeps {
  store: Store;
  usage: PendingUsage;
  clock: () => number;
}

/** LiteLLM takes a budget as a number or a numeric string, with or without a period: `0.5`, `{"budget_limit": "0.5", "time_period": "1d"}`. */
const amount = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?(e-?\d+)?$/i, 'expected an amount in USD')
      .transform(Number),
  ])
  .pipe(z.number().nonnegative('expected 0 or more'));
const modelBudget = z.union([
  amount.transform((budget_limit) => ({ budget_limit, time_period: null })),
  z.object({ budget_limit: amount, time_period: durationText.nullable().optional() }).transform((budget) => ({ budget_limit: budget.budget_limit, time_period: budget.time_period ?? null })),
]);
const name = text(MAX_LENGTH.name);
const perModelLimit = z.number().int('expected a whole number').nonnegative('expected 0 or more');

/** A caller-chosen secret (LiteLLM's `key` on /key/generate, for moving keys over): LiteLLM's `sk-` form, long enough to guess at no better than ours. */
const ownSecret = z.string().regex(/^sk-[A-Za-z0-9_-]{16,200}$/, 'expected "sk-" followed by at least 16 letters, digits, "-" or "_"');

const importedSecret = z.string().min(8, 'expected a secret of at least 8 characters').max(200, 'expected at most 200 characters');

/** Names and labels a key carries: shown, logged and stored, so each has a bound. */
const MAX_NAME = 256;
const boundedName = z.string().max(MAX_NAME, `expected at most ${MAX_NAME} characters`);
const MAX_LIST = 1_000;
const MAX_METADATA_BYTES = 16 * 1024;

function fitsMetadataBound(metadata: Record<string, unknown>): boolean {
  try {
    return Buffer.byteLength(JSON.stringify(metadata)) <= MAX_METADATA_BYTES;
  } catch {
    return false;
  }
}

/** Each field's rule. The compiler holds this to the contract: a key field without a rule is an error. */
const keyPatchShape = {
  keyAlias: text(MAX_LENGTH.name)
    .trim()
    .transform((alias) => alias || null)
    .nullable()
    .optional(),
  userId: boundedName.nullable().optional(),
  teamId: boundedName.nullable().optional(),
  models: z.array(boundedName.trim().min(1, 'expected model names')).max(MAX_LIST).optional(),
  aliases: z.record(boundedName, boundedName).optional(),
  rpmLimit: optionalLimit,
  tpmLimit: optionalLimit,
  maxParallelRequests: optionalLimit,
  maxBudget: z.number().nonnegative('expected 0 or more').nullable().optional(),
  budgetDuration: durationText.nullable().optional(),
  duration: durationText.nullable().optional(),
  blocked: z.boolean().optional(),
  metadata: z
    .record(z.string(), z.unknown())
    .refine(fitsMetadataBound, `expected at most ${MAX_METADATA_BYTES / 1024} KiB of JSON`)
    .refine((metadata) => metadata[KEY_MODE_FIELD] === undefined || isSecretGuardMode(metadata[KEY_MODE_FIELD]), `expected metadata.${KEY_MODE_FIELD} to be one of ${SECRET_GUARD_MODES.join(', ')}`)
    .optional(),
  tags: z.array(boundedName.trim().min(1, 'expected tag names')).max(MAX_LIST).optional(),
  softBudget: z.number().nonnegative('expected 0 or more').nullable().optional(),
  modelMaxBudget: z.record(boundedName, modelBudget).optional(),
  modelRpmLimit: z.record(boundedName, perModelLimit).optional(),
  modelTpmLimit: z.record(boundedName, perModelLimit).optional(),
  capture: z.enum(CAPTURE_MODES).nullable().optional(),
} satisfies { [Field in keyof Required<KeyPatch>]: z.ZodType<KeyPatch[Field]> };

export const keyPatchSchema = z.strictObject(keyPatchShape);

/** Every field a patch may carry, for adapters that rename them. */
export const KEY_PATCH_FIELDS = Object.keys(keyPatchShape) as Array<keyof KeyPatch>;

export const listSchema = z.object({
  status: z.enum(['active', 'revoked', 'expired', 'over_budget', 'served']).optional(),
  search: text(MAX_LENGTH.search).optional(),
  userId: name.optional(),
  teamId: name.optional(),
  keyAlias: name.optional(),
  page: z.number().int().positive(),
  size: z.number().int().positive().max(100),
});
export type KeyListRequest = z.infer<typeof listSchema>;

const refSchema = z.object({ id: text(MAX_LENGTH.id).min(1, 'expected a key id'), version: z.number().int().positive().optional() });
const activeSchema = z.boolean({ error: 'expected true or false' });

/** The one merge rule: absent fields keep their value, null clears, durations count from now. */
function applyKeyPatch(base: KeySettings, patch: KeyPatch, now: number): KeySettings {
  const { duration, ...fields } = patch;
  const next: KeySettings = { ...base };
  for (const [field, value] of Object.entries(fields)) if (value !== undefined) Object.assign(next, { [field]: value });
  const after = (text: string | null): number | null => (text === null ? null : now + parseDuration(text)!);
  // A budget period that changes, or starts, restarts its clock.
  if (next.budgetDuration !== base.budgetDuration || (next.budgetDuration !== null && base.budgetResetAt === null)) next.budgetResetAt = after(next.budgetDuration);
  if (duration !== undefined) next.expiresAt = after(duration);
  return next;
}

function keyView(key: VirtualKey, now: number): KeyView {
  return { ...key, status: keyStatus(key, now) };
}

export interface DayTotals {
  requests: number;
  tokens: number;
  cost: number;
}

export class KeyService {
  constructor(private readonly deps: KeyServiceDeps) {}

  /** `options.secret` is a caller-chosen secret (kept only as its hash, like a minted one); `createdBy` says who asked. */
  async create(input: unknown, options: { secret?: unknown; createdBy?: string; imported?: boolean } = {}): Promise<{ secret: string; key: KeyView }> {
    const patch = parseInput(keyPatchSchema, input);
    const now = this.deps.clock();
    // An imported secret (claude-code-router's APIKEY) is whatever its clients already send.
    const rule = options.imported ? importedSecret : ownSecret;
    const minted = options.secret === undefined ? mintSecret() : ownedSecret(parseInput(z.object({ key: rule }), { key: options.secret }).key);
    if (await this.deps.store.keys.findByHash(minted.keyHash)) throw new GatewayError('conflict', 'key: a key with this secret already exists', { param: 'key' });
    await this.checkAliasFree(patch.keyAlias, null);
    const key = await this.change(() =>
      this.deps.store.keys.create({
        id: `key_${randomBase62(16)}`,
        keyHash: minted.keyHash,
        keyPrefix: minted.keyPrefix,
        createdAt: now,
        createdBy: options.createdBy ?? null,
        ...applyKeyPatch(emptySettings(), patch, now),
      }),
    );
    // The only time the secret is ever shown.
    return { secret: minted.secret, key: keyView(key, now) };
  }

  /** `version` names the version the caller read; undefined means "whatever is there" (LiteLLM's API). */
  async update(ref: string, expectedVersion: number | undefined, input: unknown): Promise<KeyView> {
    const { id, version } = parseInput(refSchema, { id: ref, version: expectedVersion });
    const patch = parseInput(keyPatchSchema, input);
    const current = await this.get(id);
    await this.checkAliasFree(patch.keyAlias, id);
    const now = this.deps.clock();
    const next = applyKeyPatch(current, patch, now);
    return keyView(await this.change(() => this.deps.store.keys.update(id, next, version)), now);
  }

  async setActive(ref: string, active: boolean, expectedVersion?: number): Promise<KeyView> {
    const { id, version } = parseInput(refSchema, { id: ref, version: expectedVersion });
    const on = parseInput(activeSchema, active);
    return keyView(await this.change(() => this.deps.store.keys.setActive(id, on, version)), this.deps.clock());
  }

  /** A new secret; fields sent with it (LiteLLM's /key/regenerate takes budget, alias, ...) are applied too. */
  async regenerate(ref: string, expectedVersion?: number, input: unknown = {}): Promise<{ secret: string; key: KeyView }> {
    const { id, version } = parseInput(refSchema, { id: ref, version: expectedVersion });
    const patch = parseInput(keyPatchSchema, input);
    await this.checkAliasFree(patch.keyAlias, id);
    const minted = mintSecret();
    let key = await this.change(() => this.deps.store.keys.replaceSecret(id, minted, version));
    if (Object.values(patch).some((value) => value !== undefined)) {
      const now = this.deps.clock();
      key = await this.change(() => this.deps.store.keys.update(id, applyKeyPatch(key, patch, now), key.version));
    }
    return { secret: minted.secret, key: keyView(key, this.deps.clock()) };
  }

  async delete(ids: readonly string[]): Promise<string[]> {
    const deleted: string[] = [];
    for (const id of ids) if (await this.deps.store.keys.delete(id)) deleted.push(id);
    return deleted;
  }

  /** A key named by its secret (`sk-lg-…`) or its id. */
  async find(ref: string): Promise<VirtualKey> {
    const keys = this.deps.store.keys;
    // Secrets start with sk- (ours sk-lg-, a caller-chosen one any sk-); ids with key_.
    const key = ref.startsWith('sk-') ? await keys.findByHash(hashKey(ref)) : await keys.findById(ref);
    if (!key) throw notFound('key', 'key');
    return key;
  }

  async list(input: KeyListRequest): Promise<{ keys: KeyView[]; total: number }> {
    const query = parseInput(listSchema, input);
    const now = this.deps.clock();
    const { keys, total } = await this.deps.store.keys.list({ ...query, now });
    return { keys: keys.map((key) => keyView(key, now)), total };
  }

  /** The key with its usage today (UTC), pending usage written first. */
  async info(ref: string): Promise<{ key: KeyView; today: DayTotals }> {
    await this.deps.usage.flush();
    const key = await this.find(ref);
    const now = this.deps.clock();
    const day = utcDay(now);
    const rows = await this.deps.store.usage.dailySpend({ keyId: key.id, fromDay: day, toDay: day });
    const today = rows.reduce<DayTotals>((sum, row) => ({ requests: sum.requests + row.requests, tokens: sum.tokens + row.totalTokens, cost: sum.cost + row.cost }), {
      requests: 0,
      tokens: 0,
      cost: 0,
    });
    return { key: keyView(key, now), today };
  }

  /** Keys by their alias (LiteLLM's /key/delete takes `key_aliases`). */
  async findByAlias(alias: string): Promise<VirtualKey[]> {
    const { keys } = await this.deps.store.keys.list({ keyAlias: alias, page: 1, size: 100, now: this.deps.clock() });
    return keys;
  }

  /** Spend over all time, per key (the master key's under the id ""), from the daily totals; pending usage written first. */
  async spendByKey(): Promise<Map<string, number>> {
    await this.deps.usage.flush();
    const totals = new Map<string, number>();
    for (const row of await this.deps.store.usage.dailySpend({})) totals.set(row.keyId, (totals.get(row.keyId) ?? 0) + row.cost);
    return totals;
  }

  countByStatus(): Promise<Record<KeyStatus, number>> {
    return this.deps.store.keys.countByStatus(this.deps.clock());
  }

  /** A key's alias names one key (as in LiteLLM, which refuses a second key with the same key_alias); `self` may keep its own. */
  private async checkAliasFree(alias: string | null | undefined, self: string | null): Promise<void> {
    if (!alias) return;
    const holders = await this.findByAlias(alias);
    if (holders.some((key) => key.id !== self)) throw alreadyTaken('keyAlias', `a key with the alias ${quoted(alias)}`);
  }

  private async get(id: string): Promise<VirtualKey> {
    const key = await this.deps.store.keys.findById(id);
    if (!key) throw notFound('key');
    return key;
  }

  private change(action: () => Promise<VirtualKey>): Promise<VirtualKey> {
    return storeChange(action, (current: VirtualKey) => keyView(current, this.deps.clock()), 'key');
  }
}
