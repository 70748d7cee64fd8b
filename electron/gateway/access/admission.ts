// What a virtual key may do, checked before anything goes upstream: allowed models (403),
// budgets (budget_exceeded, budgets.ts), then rate limits (429). The master key is not limited.
// Nothing here knows of HTTP: a request is its caller and whether it is still wanted; what an
// admitted request holds comes back as a Hold, whose headers the HTTP layer puts on the answer.
import type { Caller } from './auth.js';
import type { BudgetTarget, Budgets, Reservation } from './budgets.js';
import { GatewayError } from '../../core/errors.js';
import { compilePattern, isPattern, WILDCARD, type ModelPattern } from '../../core/model-names.js';
import type { Admission, KeyLimits, RateLimiter, SharedRateLimits } from './limits.js';
import type { RequestFallbacks } from '../../router/attempts.js';
import type { FallbackKind, Router } from '../../router/index.js';
import type { LiveKey } from './virtual-keys.js';

/** LiteLLM's spellings for "no restriction" in a key's model list. */
const ALL_MODELS = new Set(['all-proxy-models', WILDCARD]);

/** Compiled once per pattern a key names (patterns are the admin's, so the set stays small). */
const keyPatterns = new Map<string, ModelPattern>();
function keyPattern(entry: string): ModelPattern {
  let pattern = keyPatterns.get(entry);
  if (!pattern) keyPatterns.set(entry, (pattern = compilePattern(entry)));
  return pattern;
}

/** As LiteLLM reads a key's models: a name, "*" or "all-proxy-models" for all, or a pattern such as "openai/*". */
export function modelAllowed(allowed: readonly string[], model: string): boolean {
  if (allowed.length === 0) return true;
  for (const entry of allowed) {
    if (entry === model || ALL_MODELS.has(entry)) return true;
    if (isPattern(entry) && keyPattern(entry).match(model) !== null) return true;
  }
  return false;
}

/** A key's per-model entry for a client's name: its own entries only (a model "constructor" is not Object's). */
function entry<T>(settings: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(settings, name) ? settings[name] : undefined;
}

/** 403 unless the key may use `model` by name or by what its own alias points the name at. */
export function requireModelAllowed(key: LiveKey, model: string): void {
  const target = entry(key.aliases, model);
  if (!modelAllowed(key.models, model) && !(target !== undefined && modelAllowed(key.models, target))) {
    throw new GatewayError('permission', `This key may not use the model "${model}". Allowed: ${key.models.join(', ')}.`, { param: 'model' });
  }
}

/** What admission reads of a request: who asks, and whether the client is still there. */
export interface AdmissionRequest {
  readonly caller: Caller | null;
  readonly signal: { readonly aborted: boolean };
}

/** What an admitted request holds until it ends, and the headers its answer carries (rate limits, soft budget). */
export interface Hold {
  readonly headers: Readonly<Record<string, string>>;
  /** Gives the rate-limit slots back; called once when the request ends, with the tokens it used. */
  readonly release: ((tokens: number) => void) | null;
  /** What the request holds against its key's budgets (budgets.ts); settled once when it ends. */
  readonly reservation: Reservation | null;
}

const NO_HOLD: Hold = { headers: {}, release: null, reservation: null };

/** The model group a key's own alias points a name at (LiteLLM's per-key `aliases`), if any. */
export function keyAlias(caller: Caller | null, model: string): string | null {
  return caller?.kind === 'virtual' ? (entry(caller.key.aliases, model) ?? null) : null;
}

/**
 * A request's own fallbacks, checked before anything goes upstream: each must be a model this
 * gateway routes (404) and, for a virtual key, one the key may use (403) — a request cannot
 * reach a model through `fallbacks` that it could not ask for by name. Key aliases apply.
 */
export function admitFallbacks(caller: Caller | null, router: Router, requested: Record<FallbackKind, string[] | null>): RequestFallbacks {
  const resolved: RequestFallbacks = {};
  for (const kind of Object.keys(requested) as FallbackKind[]) {
    const names = requested[kind];
    if (names === null) continue;
    const param = kind === 'general' ? 'fallbacks' : `${kind}_fallbacks`;
    resolved[kind] = names.map((name) => {
      const target = keyAlias(caller, name) ?? name;
      if (caller?.kind === 'virtual' && !modelAllowed(caller.key.models, name) && !modelAllowed(caller.key.models, target)) {
        throw new GatewayError('permission', `This key may not use the fallback model "${name}". Allowed: ${caller.key.models.join(', ')}.`, { param });
      }
      try {
        return router.resolve(target);
      } catch (error) {
        if (error instanceof GatewayError) throw new GatewayError(error.code, `${param}: ${error.message}`, { param });
        throw error;
      }
    });
  }
  return resolved;
}

/**
 * The per-model setting for the request: by the name asked for, the key's alias target, the
 * model group it resolved to, else any other name of that group (a global alias), so no alias
 * escapes a limit set under another name of the same model.
 */
function perModel<T>(settings: Record<string, T>, names: ModelNames, key: LiveKey, router: AdmissionDeps['router']): T | undefined {
  const target = entry(key.aliases, names.model);
  const direct = entry(settings, names.model) ?? (target !== undefined ? entry(settings, target) : undefined) ?? entry(settings, names.group);
  if (direct !== undefined) return direct;
  for (const name of Object.keys(settings)) {
    if (resolvesTo(router, entry(key.aliases, name) ?? name) === names.group) return settings[name];
  }
  return undefined;
}

function resolvesTo(router: AdmissionDeps['router'], name: string): string | null {
  try {
    return router.resolve(name);
  } catch {
    return null;
  }
}

/** The name a client asked for (what errors say) and the model group it resolved to (what per-model limits count, whatever alias named it). */
export interface ModelNames {
  model: string;
  group: string;
}

export interface AdmissionDeps {
  router: { resolve(model: string): string };
  limiter: RateLimiter;
  budgets: Budgets;
}

/**
 * Admits a request or throws. A budgeted key's request first holds its estimated cost (given
 * by `estimate`, computed only then; `fits` tells it whether an upper bound already fits, so the
 * prompt is counted only near the budget) until it ends; see budgets.ts. A refusal gives back what
 * was held before it.
 */
export function admit(request: AdmissionRequest, names: ModelNames, deps: AdmissionDeps, estimate: (fits: (cost: number) => boolean) => number | Promise<number>): Hold | Promise<Hold> {
  const caller = request.caller;
  if (!caller || caller.kind === 'master') return NO_HOLD;
  const key = caller.key;
  const { model } = names;
  requireModelAllowed(key, model);
  const budget: BudgetTarget = { name: model, group: names.group, budget: perModel(key.modelMaxBudget, names, key, deps.router) };
  const limits: KeyLimits = {
    rpmLimit: perModel(key.modelRpmLimit, names, key, deps.router) ?? null,
    tpmLimit: perModel(key.modelTpmLimit, names, key, deps.router) ?? null,
    maxParallelRequests: null,
  };
  if (!deps.budgets.applies(key, budget)) return withLimits(request, key, names, limits, deps, deps.budgets.unbudgeted(key, names.group));
  // Synchronous while the estimate and the hold are (in memory, far from the budget): no promise per request then.
  const held = (cost: number): Hold | Promise<Hold> => {
    const reservation = deps.budgets.reserve(key, budget, cost);
    return reservation instanceof Promise ? reservation.then((reserved) => withLimits(request, key, names, limits, deps, reserved)) : withLimits(request, key, names, limits, deps, reservation);
  };
  const cost = estimate((bound) => deps.budgets.fits(key, budget, bound));
  return cost instanceof Promise ? cost.then(held) : held(cost);
}

/** Rate limits after the budget's hold; a refusal settles that hold at once (nothing was spent). */
function withLimits(request: AdmissionRequest, key: LiveKey, names: ModelNames, limits: KeyLimits, deps: AdmissionDeps, reservation: Reservation): Hold | Promise<Hold> {
  const headers = deps.budgets.softBudget(key);
  const refused = (error: unknown): never => {
    reservation.settle(0);
    // The refusal still says the soft budget is crossed, as an admitted answer would.
    if (error instanceof GatewayError) Object.assign(error.headers, headers);
    throw error;
  };
  try {
    const admitted = admitLimits(request, key, names, limits, deps);
    // Below the soft budget (the common case) the rate limits' headers are the hold's, not copied.
    const hold = (admission: Admission | null): Hold => ({ headers: admission && isEmpty(headers) ? admission.headers : { ...headers, ...admission?.headers }, release: admission?.release ?? null, reservation });
    return admitted instanceof Promise ? admitted.then(hold, refused) : hold(admitted);
  } catch (error) {
    return refused(error);
  }
}

function isEmpty(record: Readonly<Record<string, string>>): boolean {
  for (const _name in record) return false;
  return true;
}

/** Rate limits: in memory, or counted in Redis (answering later). The key's and the model's admissions become one. */
function admitLimits(request: AdmissionRequest, key: LiveKey, names: ModelNames, modelLimits: KeyLimits, { limiter }: AdmissionDeps): Admission | Promise<Admission> {
  const perModelLimits = modelLimits.rpmLimit !== null || modelLimits.tpmLimit !== null ? modelLimits : null;
  if (limiter.shared) return admitShared(request, key, names, perModelLimits, limiter, limiter.shared);
  const who = `This key, for "${names.model}",`;
  const forModel = perModelLimits ? limiter.admit(`${key.id}\u0000${names.group}`, perModelLimits, who) : null;
  let admission;
  try {
    admission = limiter.admit(key.id, key);
  } catch (error) {
    forModel?.release(0);
    throw error;
  }
  return joined(admission, forModel);
}

/**
 * The same limits counted in Redis, across instances. They are keyed by the key's hash, which
 * is the same on every instance even where each has its own store (a key created with the same
 * secret on each); the in-memory fallback keeps using the id.
 */
async function admitShared(request: AdmissionRequest, key: LiveKey, names: ModelNames, modelLimits: KeyLimits | null, limiter: RateLimiter, shared: SharedRateLimits): Promise<Admission> {
  const who = `This key, for "${names.model}",`;
  const forModel = modelLimits ? await shared.admit(`${key.keyHash}:${names.group}`, modelLimits, who, () => limiter.admit(`${key.id}\u0000${names.group}`, modelLimits, who)) : null;
  let admission;
  try {
    admission = await shared.admit(key.keyHash, key, 'This key', () => limiter.admit(key.id, key));
  } catch (error) {
    forModel?.release(0);
    throw error;
  }
  // The client left while Redis answered: the request will not run, so its slots go back now.
  if (request.signal.aborted) {
    admission.release(0);
    forModel?.release(0);
    throw new GatewayError('unavailable', 'The client closed the connection.');
  }
  return joined(admission, forModel);
}

/** The key's admission (its headers go on the answer) and the model's, released together. */
function joined(admission: Admission, forModel: Admission | null): Admission {
  if (!forModel) return admission;
  return {
    headers: admission.headers,
    release: (tokens) => {
      admission.release(tokens);
      forModel.release(tokens);
    },
  };
}
