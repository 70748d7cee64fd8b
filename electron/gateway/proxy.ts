// The request path for every model-calling route: read the body once, pick the deployment,
// admit the key, then either relay natively (the upstream speaks the client's dialect: only
// the model name changes) or translate through the chat pivot. Streams go chunk by chunk.
import type { Dispatcher } from 'undici';
import type { DeploymentConfig } from '../config/index.js';
import { contentText, type ChatChunk, type ChatRequest } from '../dialects/chat/types.js';
import type { InboundDialect, Json } from '../dialects/types.js';
import { usageFromOpenAI } from '../providers/openai/response.js';
import { countChatPromptTokens, countTokens, ReplyTally } from '../providers/tokens.js';
import { UpstreamStreamError, type TokenUsage, type UpstreamRequest } from '../providers/types.js';
import type { Router } from '../router/index.js';
import type { Accounting } from './accounting.js';
import { admit } from './admission.js';
import { readJsonObject } from './body.js';
import { drained, sendJson, type RequestContext } from './context.js';
import { GatewayError } from './errors.js';
import type { RateLimiter } from './limits.js';
import type { Logger } from './log.js';
import { clientHeadersFromUpstream, upstreamHeaders } from './proxy-headers.js';
import { callUpstream, upstreamFailure, type UpstreamPools } from './upstream.js';

export interface ProxyDeps {
  router: Router;
  pools: UpstreamPools;
  limiter: RateLimiter;
  accounting: Accounting;
  logger: Logger;
  storeBodies: boolean;
}

export async function proxy(deps: ProxyDeps, dialect: InboundDialect, ctx: RequestContext): Promise<void> {
  ctx.errorBody = dialect.errorBody;
  const body = await readJsonObject(ctx.req);
  const model = body.model;
  if (typeof model !== 'string' || model === '') {
    throw new GatewayError('missing_field', 'The request needs a "model" string.', { param: 'model' });
  }
  if (body[dialect.requiredField] === undefined || body[dialect.requiredField] === null) {
    throw new GatewayError('missing_field', `The request needs a "${dialect.requiredField}" field.`, { param: dialect.requiredField });
  }
  ctx.model = model;
  const deployment = deps.router.pick(model);
  ctx.deployment = deployment;
  admit(ctx, model, deps.limiter, deps.accounting);
  if (deps.storeBodies) ctx.requestBody = JSON.stringify(body);
  ctx.stream = body.stream === true;
  if (deployment.family.speaks(dialect.name, deployment)) return relayNative(deps, dialect, ctx, body, deployment);
  return relayTranslated(deps, dialect, ctx, body, deployment);
}

function send(deps: ProxyDeps, ctx: RequestContext, deployment: DeploymentConfig, request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
  const family = deployment.family;
  return callUpstream(deps.pools, {
    deployment,
    path: request.path,
    headers: upstreamHeaders(ctx.req.headers, family.defaultHeaders ?? {}, family.authHeaders(deployment, request), ctx.id),
    body: request.body,
    stream: ctx.stream,
    signal: ctx.signal,
  });
}

async function relayNative(deps: ProxyDeps, dialect: InboundDialect, ctx: RequestContext, body: Json, deployment: DeploymentConfig): Promise<void> {
  const request = { path: deployment.family.nativePath(dialect.name, deployment, ctx.stream), body: dialect.nativeBody(body, deployment.upstreamModel) };
  const upstream = await send(deps, ctx, deployment, request);
  if (upstream.statusCode >= 400) return relayError(ctx, dialect, upstream, true);
  if (ctx.stream && isEventStream(upstream)) {
    const scanner = dialect.nativeStreamScanner(body);
    await pipeStream(ctx, dialect, upstream, deployment, (chunk) => scanner.push(chunk), () => scanner.end());
    ctx.usage = scanner.usage;
    if (scanner.finished) dialect.remember?.(body, scanner.finished);
    return;
  }
  const text = await readText(upstream, deployment);
  const parsed = parseJson(text);
  ctx.usage = parsed ? dialect.nativeUsage(parsed) : null;
  if (parsed) dialect.remember?.(body, parsed);
  if (deps.storeBodies) ctx.responseBody = text;
  sendJson(ctx, upstream.statusCode, text, clientHeadersFromUpstream(upstream.headers));
}

async function relayTranslated(deps: ProxyDeps, dialect: InboundDialect, ctx: RequestContext, body: Json, deployment: DeploymentConfig): Promise<void> {
  const { chat, omittedTools } = await dialect.toChat(body);
  if (omittedTools.length > 0) {
    // Offered but not runnable upstream (hosted tools): the client still works; say what was left out.
    ctx.res.setHeader('x-loopgate-omitted-tools', omittedTools.join(', '));
    deps.logger.log('warn', 'Left out tools the upstream cannot run', { id: ctx.id, tools: omittedTools.join(','), deployment: deployment.id });
  }
  const family = deployment.family;
  const request = family.chatRequest({ ...chat, model: deployment.upstreamModel }, deployment);
  const upstream = await send(deps, ctx, deployment, request);
  if (upstream.statusCode >= 400) return relayError(ctx, dialect, upstream, false);
  if (ctx.stream && isEventStream(upstream)) {
    const decoder = family.chatStream(deployment);
    const encoder = dialect.streamEncoder(body);
    const tally = new ReplyTally();
    const encode = (chunks: ChatChunk[]): string =>
      chunks
        .map((c) => {
          tally.add(c);
          return encoder.push(c);
        })
        .join('');
    await pipeStream(ctx, dialect, upstream, deployment, (chunk) => encode(decoder.push(chunk)), () => encode(decoder.end()) + encoder.end());
    ctx.usage = encoder.usage ?? estimatedUsage(chat, tally.tokens());
    return;
  }
  const parsed = parseJson(await readText(upstream, deployment));
  if (!parsed) throw new GatewayError('upstream', `The upstream deployment "${deployment.id}" answered with something that is not JSON.`);
  const completion = family.chatResponse(parsed, deployment);
  ctx.usage = usageFromOpenAI(completion) ?? estimatedUsage(chat, countTokens(contentText(completion.choices[0]?.message.content ?? null)));
  const out = dialect.fromChat(completion, body);
  dialect.remember?.(body, out);
  const text = JSON.stringify(out);
  if (deps.storeBodies) ctx.responseBody = text;
  sendJson(ctx, 200, text);
}

/**
 * Relays a stream: headers now, then each upstream chunk as soon as it arrives. A failure after
 * the first byte ends the stream with the dialect's own error event.
 */
async function pipeStream(
  ctx: RequestContext,
  dialect: InboundDialect,
  upstream: Dispatcher.ResponseData,
  deployment: DeploymentConfig,
  onChunk: (chunk: Buffer) => Buffer | string,
  onEnd: () => string,
): Promise<void> {
  const { res } = ctx;
  res.writeHead(upstream.statusCode, {
    ...clientHeadersFromUpstream(upstream.headers),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  try {
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      const out = onChunk(chunk);
      if (out.length > 0 && !res.write(out)) await drained(res);
      if (res.destroyed) return;
    }
    const tail = onEnd();
    if (tail) res.write(tail);
  } catch (error) {
    if (ctx.signal.aborted) return;
    const failure = error instanceof UpstreamStreamError ? new GatewayError('upstream', error.message) : upstreamFailure(error, deployment);
    res.write(dialect.streamErrorEvent(failure));
  } finally {
    res.end();
  }
}

/**
 * Upstream errors keep their status. Relayed natively, a body already in the client's shape
 * passes unchanged (Claude Code's retry logic reads it); otherwise it is re-said in the dialect.
 */
async function relayError(ctx: RequestContext, dialect: InboundDialect, upstream: Dispatcher.ResponseData, native: boolean): Promise<void> {
  const text = await upstream.body.text().catch(() => '');
  const headers = clientHeadersFromUpstream(upstream.headers);
  const structured = parseJson(text);
  const passUnchanged = native && structured !== null && typeof structured.error === 'object' && structured.error !== null;
  sendJson(ctx, upstream.statusCode, passUnchanged ? text : dialect.upstreamErrorBody(upstream.statusCode, text), headers);
}

/** For upstreams that report no usage: the prompt and reply counted with a tokenizer. */
function estimatedUsage(chat: ChatRequest, completionTokens: number): TokenUsage {
  const promptTokens = countChatPromptTokens(chat);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

function isEventStream(upstream: Dispatcher.ResponseData): boolean {
  // text/event-stream, and Bedrock's application/vnd.amazon.eventstream
  return /event-?stream/.test(String(upstream.headers['content-type'] ?? ''));
}

async function readText(upstream: Dispatcher.ResponseData, deployment: DeploymentConfig): Promise<string> {
  try {
    return await upstream.body.text();
  } catch (error) {
    throw upstreamFailure(error, deployment);
  }
}

function parseJson(text: string): Json | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : null;
  } catch {
    return null;
  }
}
