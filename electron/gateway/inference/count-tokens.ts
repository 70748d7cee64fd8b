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
import { resolveModel } from '../access/model-access.js';
import { readJsonObject } from '../http/body.js';
import { checkRequestShape, clientModel, untranslatable } from './request-shape.js';
import { sendJson, type RequestContext } from '../http/context.js';
import { GatewayError } from '../../core/errors.js';
import { redactCredentials } from '../../core/redact.js';
import { clientHeadersFromUpstream, familyHeaders } from './proxy-headers.js';
import type { ProxyDeps } from './proxy.js';
import { callUpstream } from './upstream.js';

export async function countTokens(deps: ProxyDeps, ctx: RequestContext): Promise<void> {
  ctx.errorBody = anthropicDialect.errorBody;
  ctx.callType = 'anthropic_count_tokens';
  const body = await readJsonObject(ctx.req);
  const deployment = chooseFor(deps, ctx, body.model);
  const native = await relayCount(deps, ctx, deployment, 'anthropic_count_tokens', JSON.stringify({ ...body, model: deployment.upstreamModel }));
  if (native) return;
  checkRequestShape('anthropic', body);
  sendJson(ctx, 200, JSON.stringify({ input_tokens: countLocally(() => anthropicToChat(body).chat) }));
}

/** `POST /v1beta/models/{model}:countTokens`: `contents`, or a whole `generateContentRequest`. */
export async function countGeminiTokens(deps: ProxyDeps, ctx: RequestContext, model: string): Promise<void> {
  ctx.errorBody = geminiSseDialect.errorBody;
  ctx.callType = 'gemini_count_tokens';
  const body = await readJsonObject(ctx.req);
  const deployment = chooseFor(deps, ctx, model);
  const native = await relayCount(deps, ctx, deployment, 'gemini_count_tokens', JSON.stringify(body));
  if (native) return;
  const request = (body.generateContentRequest as Json | undefined) ?? body;
  if (!Array.isArray(request.contents)) throw new GatewayError('missing_field', 'The request needs "contents" (or a "generateContentRequest").', { param: 'contents' });
  sendJson(ctx, 200, JSON.stringify({ totalTokens: countLocally(() => geminiToChat({ ...request, model }).chat) }));
}

/** Counts a request's prompt with the tokenizer; input the translator trips on is the client's 400, as on the model routes. */
function countLocally(translate: () => ChatRequest): number {
  try {
    return countChatPromptTokens(translate());
  } catch (error) {
    throw untranslatable(error);
  }
}

function chooseFor(deps: ProxyDeps, ctx: RequestContext, requested: unknown): DeploymentConfig {
  const model = clientModel(requested);
  ctx.model = model;
  const deployment = deps.router.choose(resolveModel(ctx, deps.router, model));
  ctx.deployment = deployment;
  return deployment;
}

/** Relays the count to an upstream that speaks `dialect`; false when it does not. */
async function relayCount(deps: ProxyDeps, ctx: RequestContext, deployment: DeploymentConfig, dialect: Dialect, body: string): Promise<boolean> {
  const family = familyOf(deployment);
  if (!family.speaks(dialect, deployment)) return false;
  const request = { path: family.nativePath(dialect, deployment, false), body };
  const upstream = await callUpstream(deps.pools, {
    deployment,
    path: request.path,
    headers: familyHeaders(ctx.req.headers, deployment, request, ctx.id),
    body: request.body,
    stream: false,
    signal: ctx.signal,
  });
  const text = await upstream.body.text();
  // An upstream's refusal may repeat the key it was sent.
  sendJson(ctx, upstream.statusCode, upstream.statusCode >= 400 ? redactCredentials(text, deployment) : text, clientHeadersFromUpstream(upstream.headers));
  return true;
}
