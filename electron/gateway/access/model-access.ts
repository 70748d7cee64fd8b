// Which models a virtual key may know of. A key limited to some models learns nothing of the
// others: a model it may not use is refused before it is looked up (so whether it exists stays
// unsaid), and "not configured" names only the key's own models.
import type { Router } from '../../router/index.js';
import { keyAlias, modelAllowed, requireModelAllowed } from './admission.js';
import type { Caller } from './auth.js';

/** The model group a caller's model means, said to a virtual key only in terms of the models it may use. */
function resolveModel(caller: Caller | null, router: Router, model: string): string {
  if (caller?.kind !== 'virtual') return router.resolve(model);
  const key = caller.key;
  requireModelAllowed(key, model);
  return router.resolve(keyAlias(caller, model) ?? model, (name) => modelAllowed(key.models, name));
}

/** resolveModel's answer, or the error it gave: a request is admitted (limits, budget) before its lookup error is said. */
export function lookUpModel(caller: Caller | null, router: Router, model: string): { group: string; error: null } | { group: null; error: Error } {
  try {
    return { group: resolveModel(caller, router, model), error: null };
  } catch (error) {
    return { group: null, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
