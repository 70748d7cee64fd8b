// What a virtual key may do, checked before anything goes upstream: allowed models (403),
// budget (budget_exceeded), then rate limits (429). The master key is not limited.
import type { RequestContext } from './context.js';
import type { Accounting } from './accounting.js';
import { GatewayError } from '../core/errors.js';
import type { RateLimiter } from './limits.js';

/** LiteLLM's spelling for "no restriction" in a key's model list. */
const ALL_MODELS = 'all-proxy-models';

export function modelAllowed(allowed: readonly string[], model: string): boolean {
  return allowed.length === 0 || allowed.includes(model) || allowed.includes(ALL_MODELS);
}

/** The model group a key's own alias points a name at (LiteLLM's per-key `aliases`), if any. */
export function keyAlias(ctx: RequestContext, model: string): string | null {
  const caller = ctx.caller;
  return caller?.kind === 'virtual' ? (caller.key.aliases[model] ?? null) : null;
}

export function admit(ctx: RequestContext, model: string, limiter: RateLimiter, accounting: Accounting): void {
  const caller = ctx.caller;
  if (!caller || caller.kind === 'master') return;
  const key = caller.key;
  const target = key.aliases[model];
  if (!modelAllowed(key.models, model) && !(target !== undefined && modelAllowed(key.models, target))) {
    throw new GatewayError('permission', `This key may not use the model "${model}". Allowed: ${key.models.join(', ')}.`, {
      param: 'model',
    });
  }
  accounting.checkBudget(key);
  const admission = limiter.admit(key.id, key);
  for (const [name, value] of Object.entries(admission.headers)) ctx.res.setHeader(name, value);
  ctx.release = admission.release;
}
