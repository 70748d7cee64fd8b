// `GET /v1/models` and `GET /v1/models/{id}`: the configured model names and aliases, in
// OpenAI's list shape, serialised once per routing change. Wildcard groups are listed as
// written (`openai/*`, `*`), as LiteLLM's proxy lists them; hidden aliases route but are not
// listed (LiteLLM's `model_group_alias: {gpt-4: {model: gpt-4o, hidden: true}}`), nor is a
// group whose every deployment is disabled.
import type { DeploymentConfig } from '../core/deployment.js';
import type { Router } from '../router/index.js';
import { modelAllowed } from './admission.js';
import { sendJson, type RequestContext } from './context.js';
import { GatewayError } from '../core/errors.js';

export interface ModelsIndex {
  /** `GET /models` and each `GET /models/{id}`, serialised once at start-up. */
  modelsBody: string;
  modelBodies: ReadonlyMap<string, string>;
}

export function modelsIndex(
  router: Router,
  deployments: readonly DeploymentConfig[],
  created = Math.floor(Date.now() / 1000),
): ModelsIndex {
  const ownerOf = new Map(deployments.map((d) => [d.modelName, d.family]));
  const data = router.listedNames().map((id) => ({ id, object: 'model', created, owned_by: ownerOf.get(id) ?? 'loopgate' }));
  return {
    modelsBody: JSON.stringify({ object: 'list', data }),
    modelBodies: new Map(data.map((model) => [model.id, JSON.stringify(model)])),
  };
}

export function listModels(deps: ModelsIndex, ctx: RequestContext): void {
  const caller = ctx.caller;
  if (caller?.kind !== 'virtual' || caller.key.models.length === 0) return sendJson(ctx, 200, deps.modelsBody);
  // A restricted key sees only the models it may use.
  const data = [...deps.modelBodies]
    .filter(([id]) => modelAllowed(caller.key.models, id))
    .map(([, body]) => JSON.parse(body) as unknown);
  sendJson(ctx, 200, JSON.stringify({ object: 'list', data }));
}

export function retrieveModel(deps: ModelsIndex, ctx: RequestContext, id: string): void {
  const body = deps.modelBodies.get(id);
  if (!body) throw new GatewayError('model_not_found', `The model "${id}" is not configured on this gateway.`, { param: 'model' });
  sendJson(ctx, 200, body);
}

