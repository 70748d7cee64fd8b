// `GET /v1/models` and `GET /v1/models/{id}`: the configured model names and aliases, in
// OpenAI's list shape, serialised once per routing change. Wildcard groups are listed as
// written (`openai/*`, `*`), as LiteLLM's proxy lists them; hidden aliases route but are not
// listed (LiteLLM's `model_group_alias: {gpt-4: {model: gpt-4o, hidden: true}}`), nor is a
// group whose every deployment is disabled.
// Each caller reads the list in its own dialect: Anthropic's shape when the request carries
// `anthropic-version` (Claude Code, the Anthropic SDK), Gemini's on /v1beta/models.
import type { DeploymentConfig } from '../../core/deployment.js';
import type { Router } from '../../router/index.js';
import { modelAllowed } from '../access/admission.js';
import { sendJson, type RequestContext } from '../http/context.js';
import { GatewayError } from '../../core/errors.js';

export interface ModelsIndex {
  /** `GET /models` and each `GET /models/{id}`, serialised once at start-up. */
  modelsBody: string;
  modelBodies: ReadonlyMap<string, string>;
}

export function modelsIndex(router: Router, deployments: readonly DeploymentConfig[], created = Math.floor(Date.now() / 1000)): ModelsIndex {
  const ownerOf = new Map(deployments.map((d) => [d.modelName, d.family]));
  const data = router.listedNames().map((id) => ({ id, object: 'model', created, owned_by: ownerOf.get(id) ?? 'loopgate' }));
  return {
    modelsBody: JSON.stringify({ object: 'list', data }),
    modelBodies: new Map(data.map((model) => [model.id, JSON.stringify(model)])),
  };
}

interface ListedModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** Whether this caller may see a model: a virtual key sees only the models it may use. */
function maySee(ctx: RequestContext, id: string): boolean {
  const caller = ctx.caller;
  return caller?.kind !== 'virtual' || modelAllowed(caller.key.models, id);
}

/** The models this caller may see, in OpenAI's item shape. */
function visibleModels(deps: ModelsIndex, ctx: RequestContext): ListedModel[] {
  return [...deps.modelBodies].filter(([id]) => maySee(ctx, id)).map(([, body]) => JSON.parse(body) as ListedModel);
}

/** One model's listing; a model the caller may not see answers exactly as one that does not exist. */
function visibleModel(deps: ModelsIndex, ctx: RequestContext, id: string): ListedModel {
  const body = maySee(ctx, id) ? deps.modelBodies.get(id) : undefined;
  if (!body) throw new GatewayError('model_not_found', `The model "${id}" is not configured on this gateway.`, { param: 'model' });
  return JSON.parse(body) as ListedModel;
}

const wantsAnthropic = (ctx: RequestContext): boolean => ctx.req.headers['anthropic-version'] !== undefined;

function anthropicModel(model: ListedModel): Record<string, unknown> {
  return { type: 'model', id: model.id, display_name: model.id, created_at: new Date(model.created * 1000).toISOString() };
}

/** Gemini's Model resource; the limits are unknown here, so they are left out. */
function geminiModel(model: ListedModel): Record<string, unknown> {
  return {
    name: `models/${model.id}`,
    baseModelId: model.id,
    version: '1',
    displayName: model.id,
    description: `${model.id} through Loopgate (${model.owned_by})`,
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
  };
}

export function listModels(deps: ModelsIndex, ctx: RequestContext): void {
  const caller = ctx.caller;
  if (wantsAnthropic(ctx)) {
    const data = visibleModels(deps, ctx).map(anthropicModel);
    return sendJson(ctx, 200, JSON.stringify({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }));
  }
  if (caller?.kind !== 'virtual' || caller.key.models.length === 0) return sendJson(ctx, 200, deps.modelsBody);
  // A restricted key sees only the models it may use.
  sendJson(ctx, 200, JSON.stringify({ object: 'list', data: visibleModels(deps, ctx) }));
}

export function retrieveModel(deps: ModelsIndex, ctx: RequestContext, id: string): void {
  const model = visibleModel(deps, ctx, id);
  sendJson(ctx, 200, wantsAnthropic(ctx) ? JSON.stringify(anthropicModel(model)) : deps.modelBodies.get(id)!);
}

export function listGeminiModels(deps: ModelsIndex, ctx: RequestContext): void {
  sendJson(ctx, 200, JSON.stringify({ models: visibleModels(deps, ctx).map(geminiModel) }));
}

/** `GET /v1beta/models/{model}`, the name with or without its `models/` prefix. */
export function retrieveGeminiModel(deps: ModelsIndex, ctx: RequestContext, name: string): void {
  const id = name.startsWith('models/') ? name.slice('models/'.length) : name;
  sendJson(ctx, 200, JSON.stringify(geminiModel(visibleModel(deps, ctx, id))));
}
