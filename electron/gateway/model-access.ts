// Which models a virtual key may know of. A key limited to some models learns nothing of the
// others: a model it may not use is refused before it is looked up (so whether it exists stays
// unsaid), and "not configured" names only the key's own models.
import { GatewayError } from '../core/errors.js';
import type { Router } from '../router/index.js';
import { keyAlias, modelAllowed } from './admission.js';
import type { RequestContext } from './context.js';
import type { LiveKey } from './virtual-keys.js';

/** 403 unless the key may use `model` by name or by what its own alias points the name at (admit() applies the same rule). */
function requireModelAllowed(key: LiveKey, model: string): void {
  const target = key.aliases[model];
  if (!modelAllowed(key.models, model) && !(target !== undefined && modelAllowed(key.models, target))) {
    throw new GatewayError('permission', `This key may not use the model "${model}". Allowed: ${key.models.join(', ')}.`, { param: 'model' });
  }
}

/** The model group a caller's model means, said to a virtual key only in terms of the models it may use. */
export function resolveModel(ctx: RequestContext, router: Router, model: string): string {
  const caller = ctx.caller;
  if (caller?.kind !== 'virtual') return router.resolve(model);
  const key = caller.key;
  requireModelAllowed(key, model);
  return router.resolve(keyAlias(ctx, model) ?? model, (name) => modelAllowed(key.models, name));
}
