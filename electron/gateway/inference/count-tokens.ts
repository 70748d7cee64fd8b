// `POST /v1/messages/count_tokens` and Gemini's `:countTokens`: forwarded to upstreams that
// speak the dialect, counted locally with a tokenizer for every other provider. Both are
// logged with their model (accounted with no usage: counting costs nothing).
import { familyOf } from '../../providers/index.js';
import { anthropicDialect, anthropicToChat } from '../../dialects/anthropic/index.js';
import { geminiSseDialect, geminiToChat } from '../../dialects/gemini/index.js';
import type { Dialect, DeploymentConfig } from '../../core/deployment.js';
import type { ChatRequest } from '../../core/chat.js';
import type { Json } from '../../dialects/types.js';
import { countChatPromptTokens } from '../../providers/tokens.js';
import { lookUpModel } from '../access/model-access.js';
import { readJsonObject } from '../http/body.js';
import { checkRequestShape, clientModel, untranslatable } from './request-shape.js';
import { outcomeOf, sendJson, type RequestContext, type RequestOutcome } from '../http/context.js';
import { GatewayError } from '../../core/errors.js';
import { clientHeadersFromUpstream, nativePathFor } from './proxy-headers.js';
import { requireClientSignIn } from './client-sign-in.js';
import type { ProxyDeps } from './proxy.js';
import { answerText, callDeployment } from './upstream.js';

export function countTokens(deps: ProxyDeps, ctx: RequestContext): Promise<RequestOutcome> {
  ctx.errorBody = anthropicDialect.errorBody;
  return outcomeOf('anthropic_count_tokens', async (outcome) => {
    const body = await readJsonObject(ctx.req);
    const deployment = chooseFor(deps, ctx, body.model, outcome);
    const native = await relayCount(deps, ctx, deployment, 'anthropic_count_tokens', JSON.stringify({ ...body, model: deployment.upstreamModel }));
    if (native) return;
    checkRequestShape('anthropic', body);
    sendJson(ctx, 200, JSON.stringify({ input_tokens: countLocally(() => anthropicToChat(body).chat) }));
  });
}

/** `POST /v1beta/models/{model}:countTokens`: `contents`, or a whole `generateContentRequest`. */
export function countGeminiTokens(deps: ProxyDeps, ctx: RequestContext, model: string): Promise<RequestOutcome> {
  ctx.errorBody = geminiSseDialect.errorBody;
  return outcomeOf('gemini_count_tokens', async (outcome) => {
    const body = await readJsonObject(ctx.req);
    const deployment = chooseFor(deps, ctx, model, outcome);
    const native = await relayCount(deps, ctx, deployment, 'gemini_count_tokens', JSON.stringify(body));
    if (native) return;
    const request = (body.generateContentRequest as Json | undefined) ?? body;
    if (!Array.isArray(request.contents)) throw new GatewayError('missing_field', 'The request needs "contents" (or a "generateContentRequest").', { param: 'contents' });
    sendJson(ctx, 200, JSON.stringify({ totalTokens: countLocally(() => geminiToChat({ ...request, model }).chat) }));
  });
}

/** Counts a request's prompt with the tokenizer; input the translator trips on is the client's 400, as on the model routes. */
function countLocally(translate: () => ChatRequest): number {
  try {
    return countChatPromptTokens(translate());
  } catch (error) {
    throw untranslatable(error);
  }
}

/** The model is resolved and permitted as for a chat (lookUpModel: the key's aliases and models); counting spends nothing, so no limits apply. */
function chooseFor(deps: ProxyDeps, ctx: RequestContext, requested: unknown, outcome: RequestOutcome): DeploymentConfig {
  const model = clientModel(requested);
  outcome.model = model;
  const lookup = lookUpModel(ctx.caller, deps.router, model);
  if (lookup.error) throw lookup.error;
  const deployment = deps.router.choose(lookup.group);
  outcome.deployment = deployment;
  return deployment;
}

/** Relays the count to an upstream that speaks `dialect`; false when it does not. */
async function relayCount(deps: ProxyDeps, ctx: RequestContext, deployment: DeploymentConfig, dialect: Dialect, body: string): Promise<boolean> {
  const family = familyOf(deployment);
  if (!family.speaks(dialect, deployment)) return false;
  requireClientSignIn(deployment, ctx.req.headers);
  const request = { path: nativePathFor(family.nativePath(dialect, deployment, false), ctx.req.url, deployment), body };
  const upstream = await callDeployment(deps.pools, deployment, request, { clientHeaders: ctx.req.headers, requestId: ctx.id, stream: false, signal: ctx.signal });
  sendJson(ctx, upstream.statusCode, await answerText(upstream, deployment), clientHeadersFromUpstream(upstream.headers));
  return true;
}
