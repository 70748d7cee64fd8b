// `POST /v1/messages/count_tokens`: forwarded to Anthropic upstreams, counted locally with a
// tokenizer for every other provider.
import { familyOf } from '../providers/index.js';
import { anthropicDialect, anthropicToChat } from '../dialects/anthropic/index.js';
import { countChatPromptTokens } from '../providers/tokens.js';
import { keyAlias, modelAllowed } from './admission.js';
import { readJsonObject } from './body.js';
import { checkRequestShape } from './request-shape.js';
import { sendJson, type RequestContext } from './context.js';
import { GatewayError } from '../core/errors.js';
import { clientHeadersFromUpstream, familyHeaders } from './proxy-headers.js';
import type { ProxyDeps } from './proxy.js';
import { callUpstream } from './upstream.js';

export async function countTokens(deps: ProxyDeps, ctx: RequestContext): Promise<void> {
  ctx.errorBody = anthropicDialect.errorBody;
  const body = await readJsonObject(ctx.req);
  const model = body.model;
  if (typeof model !== 'string' || !model) throw new GatewayError('missing_field', 'The request needs a "model" string.', { param: 'model' });
  const deployment = deps.router.choose(deps.router.resolve(keyAlias(ctx, model) ?? model));
  const caller = ctx.caller;
  if (caller?.kind === 'virtual' && !modelAllowed(caller.key.models, model)) {
    throw new GatewayError('permission', `This key may not use the model "${model}".`, { param: 'model' });
  }
  const family = familyOf(deployment);
  if (family.speaks('anthropic_count_tokens', deployment)) {
    const request = { path: family.nativePath('anthropic_count_tokens', deployment, false), body: JSON.stringify({ ...body, model: deployment.upstreamModel }) };
    const upstream = await callUpstream(deps.pools, {
      deployment,
      path: request.path,
      headers: familyHeaders(ctx.req.headers, deployment, request, ctx.id),
      body: request.body,
      stream: false,
      signal: ctx.signal,
    });
    return sendJson(ctx, upstream.statusCode, await upstream.body.text(), clientHeadersFromUpstream(upstream.headers));
  }
  checkRequestShape('anthropic', body);
  const { chat } = anthropicToChat(body);
  sendJson(ctx, 200, JSON.stringify({ input_tokens: countChatPromptTokens(chat) }));
}
