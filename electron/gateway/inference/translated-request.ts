// The upstream request of an attempt relayed through the chat pivot (relay.ts): the client's
// body said as the family's chat request, with what could not go along said in headers.
import type { ChatRequest } from '../../core/chat.js';
import type { DeploymentConfig, UpstreamRequest } from '../../core/deployment.js';
import type { Logger } from '../../core/logger.js';
import type { InboundDialect, Json } from '../../dialects/types.js';
import { familyOf } from '../../providers/index.js';
import { withoutParams } from '../../providers/unsupported.js';
import { removeAnswerHeader, setAnswerHeader, type RequestContext } from '../http/context.js';

/** What building the request reads of an attempt. */
interface TranslationScope {
  deps: { logger: Logger };
  dialect: InboundDialect;
  ctx: RequestContext;
  body: Json;
  deployment: DeploymentConfig;
  /** LiteLLM's drop_params for this deployment. */
  dropParams: boolean;
}

/** The family's chat request for this attempt; tools the upstream cannot run and dropped parameters are said in headers. */
export async function translatedRequest(scope: TranslationScope): Promise<{ chat: ChatRequest; request: UpstreamRequest }> {
  const { deps, dialect, ctx, body, deployment } = scope;
  const family = familyOf(deployment);
  const translated = await dialect.toChat(body);
  const chat = translated.chat;
  if (translated.omittedTools.length > 0) {
    // Offered but not runnable upstream (hosted tools): the client still works; say what was left out.
    setAnswerHeader(ctx, 'x-loopgate-omitted-tools', translated.omittedTools.join(', '));
    deps.logger.log('warn', 'Left out tools the upstream cannot run', { id: ctx.id, tools: translated.omittedTools.join(','), deployment: deployment.id });
  }
  const dropped = scope.dropParams ? family.unsupportedParams(chat) : [];
  sayDropped(scope, dropped);
  return { chat, request: family.chatRequest({ ...withoutParams(chat, dropped), model: deployment.upstreamModel }, deployment) };
}

/** A drop is logged and said in a header; each attempt says its own (a retry elsewhere may drop nothing). */
function sayDropped({ deps, ctx, deployment }: TranslationScope, dropped: readonly string[]): void {
  if (dropped.length === 0) {
    removeAnswerHeader(ctx, 'x-loopgate-dropped-params');
    return;
  }
  setAnswerHeader(ctx, 'x-loopgate-dropped-params', dropped.join(', '));
  deps.logger.log('info', 'Dropped parameters the upstream cannot take (drop_params)', { id: ctx.id, params: dropped.join(','), deployment: deployment.id });
}
