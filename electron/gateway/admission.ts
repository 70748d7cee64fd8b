// What a virtual key may do, checked before anything goes upstream: allowed models (403),
// budget (budget_exceeded), then rate limits (429). The master key is not limited.
import { setAnswerHeader, type RequestContext } from './context.js';
import type { Accounting } from './accounting.js';
import { parseDuration } from '../../shared/keys.js';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Admission, RateLimiter, SharedRateLimits } from './limits.js';
import type { LiveKey } from './virtual-keys.js';

/** LiteLLM's spelling for "no restriction" in a key's model list. */
const ALL_MODELS = 'all-proxy-models';

export function modelAllowed(allowed: readonly string[], model: string): boolean {
  return allowed.length === 0 || allowed.includes(model) || allowed.includes(ALL_MODELS);
}

/** A key's per-model entry for a client's name: its own entries only (a model "constructor" is not Object's). */
function entry<T>(settings: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(settings, name) ? settings[name] : undefined;
}

/** The model group a key's own alias points a name at (LiteLLM's per-key `aliases`), if any. */
export function keyAlias(ctx: RequestContext, model: string): string | null {
  const caller = ctx.caller;
  return caller?.kind === 'virtual' ? (entry(caller.key.aliases, model) ?? null) : null;
}

/** The per-model setting for `model`: the name asked for, else the model group the key's alias points it at. */
function perModel<T>(settings: Record<string, T>, model: string, target: string | undefined): T | undefined {
  return entry(settings, model) ?? (target !== undefined ? entry(settings, target) : undefined);
}

/** Keys whose soft budget has been reported crossed, so the log says it once per crossing. */
const softBudgetWarned = new WeakSet<LiveKey>();

export function admit(ctx: RequestContext, model: string, limiter: RateLimiter, accounting: Accounting, logger?: Logger): void | Promise<void> {
  const caller = ctx.caller;
  if (!caller || caller.kind === 'master') return;
  const key = caller.key;
  const target = entry(key.aliases, model);
  if (!modelAllowed(key.models, model) && !(target !== undefined && modelAllowed(key.models, target))) {
    throw new GatewayError('permission', `This key may not use the model "${model}". Allowed: ${key.models.join(', ')}.`, {
      param: 'model',
    });
  }
  accounting.checkBudget(key);
  const budget = perModel(key.modelMaxBudget, model, target);
  if (budget) {
    const spent = limiter.modelSpendFor(key.id, model, budget.time_period === null ? null : parseDuration(budget.time_period));
    if (spent >= budget.budget_limit) {
      throw new GatewayError('budget_exceeded', `This key has spent $${spent.toFixed(6)} of its $${budget.budget_limit} budget for "${model}"` + (budget.time_period ? ` per ${budget.time_period}.` : '.'), {
        headers: { 'x-should-retry': 'false' },
      });
    }
  }
  if (key.softBudget !== null && key.spend >= key.softBudget) {
    if (!softBudgetWarned.has(key)) {
      softBudgetWarned.add(key);
      logger?.log('warn', `Key ${key.keyAlias ?? key.id} crossed its soft budget: $${key.spend.toFixed(6)} of $${key.softBudget}`, { key: key.id, spend: key.spend, soft_budget: key.softBudget });
    }
    setAnswerHeader(ctx, 'x-litellm-key-soft-budget-exceeded', 'true');
  } else softBudgetWarned.delete(key);
  const modelRpm = perModel(key.modelRpmLimit, model, target) ?? null;
  const modelTpm = perModel(key.modelTpmLimit, model, target) ?? null;
  if (limiter.shared) return admitShared(ctx, key, model, modelRpm, modelTpm, limiter, limiter.shared, accounting);
  const forModel =
    modelRpm !== null || modelTpm !== null
      ? limiter.admit(`${key.id}\u0000${model}`, { rpmLimit: modelRpm, tpmLimit: modelTpm, maxParallelRequests: null }, `This key, for "${model}",`)
      : null;
  let admission;
  try {
    admission = limiter.admit(key.id, key);
  } catch (error) {
    forModel?.release(0);
    throw error;
  }
  hold(ctx, admission, forModel);
}

/**
 * The same limits counted in Redis, across instances. They are keyed by the key's hash, which
 * is the same on every instance even where each has its own store (a key created with the same
 * secret on each); the in-memory fallback keeps using the id.
 */
async function admitShared(
  ctx: RequestContext,
  key: LiveKey,
  model: string,
  modelRpm: number | null,
  modelTpm: number | null,
  limiter: RateLimiter,
  shared: SharedRateLimits,
  accounting: Accounting,
): Promise<void> {
  if (key.maxBudget !== null) {
    // What every instance together spent, so N instances do not each spend the whole budget.
    const everywhere = await shared.spend.spent(key);
    if (everywhere !== null && everywhere > key.spend) key.spend = everywhere;
    accounting.checkBudget(key);
  }
  const forModel =
    modelRpm !== null || modelTpm !== null
      ? await shared.admit(`${key.keyHash}:${model}`, { rpmLimit: modelRpm, tpmLimit: modelTpm, maxParallelRequests: null }, `This key, for "${model}",`, () =>
          limiter.admit(`${key.id}\u0000${model}`, { rpmLimit: modelRpm, tpmLimit: modelTpm, maxParallelRequests: null }, `This key, for "${model}",`),
        )
      : null;
  let admission;
  try {
    admission = await shared.admit(key.keyHash, key, 'This key', () => limiter.admit(key.id, key));
  } catch (error) {
    forModel?.release(0);
    throw error;
  }
  // The client left while Redis answered: the request will not run, so its slots go back now.
  if (ctx.signal.aborted) {
    admission.release(0);
    forModel?.release(0);
    throw new GatewayError('unavailable', 'The client closed the connection.');
  }
  hold(ctx, admission, forModel);
}

/** The admission's headers go on the response; its release runs when the request ends. */
function hold(ctx: RequestContext, admission: Admission, forModel: Admission | null): void {
  for (const name in admission.headers) setAnswerHeader(ctx, name, admission.headers[name]!);
  const keyRelease = admission.release;
  ctx.release = forModel
    ? (tokens) => {
        keyRelease(tokens);
        forModel.release(tokens);
      }
    : keyRelease;
}
