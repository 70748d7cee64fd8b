// The request path for every model-calling route: read the body once, resolve the model
// group, admit the key, answer from the cache when asked to, then attempt deployments until
// one answers: retries (backoff, cooldowns), then fallbacks. Each attempt either relays
// natively (the upstream speaks the client's dialect) or translates through the chat pivot.
// Nothing reaches the client until an attempt has produced its first byte, so a failure before
// that is retried or falls back without the client noticing.
import { familyOf } from '../providers/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import type { DeploymentConfig } from '../core/deployment.js';
import { contentText, type ChatChunk, type ChatRequest } from '../core/chat.js';
import type { InboundDialect, Json } from '../dialects/types.js';
import { usageFromOpenAI } from '../core/usage.js';
import { countChatPromptTokens, countTokens, ReplyTally } from '../providers/tokens.js';
import { UpstreamStreamError, type UpstreamRequest } from '../core/deployment.js';
import type { TokenUsage } from '../core/usage.js';
import { AttemptFailure } from '../router/failures.js';
import type { FallbackKind, Router } from '../router/index.js';
import type { Accounting } from './accounting.js';
import { admit, keyAlias } from './admission.js';
import { readJsonObject } from './body.js';
import { cacheControl, cacheKey, type CacheControl, type ResponseCache } from './cache.js';
import { drained, sendJson, type RequestContext } from './context.js';
import { GatewayError } from '../core/errors.js';
import type { RateLimiter } from './limits.js';
import type { Logger } from '../core/logger.js';
import { clientHeadersFromUpstream, familyHeaders } from './proxy-headers.js';
import { callUpstream, upstreamFailure, type UpstreamPools } from './upstream.js';

export interface ProxyDeps {
  router: Router;
  pools: UpstreamPools;
  limiter: RateLimiter;
  accounting: Accounting;
  logger: Logger;
  storeBodies: boolean;
  cache: ResponseCache | null;
  random: () => number;
}

const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 8_000;

/** Where one request's time went, for the gateway-overhead header. */
interface Timing {
  startedAt: number;
  upstreamMs: number;
  backoffMs: number;
}

/** What a successful attempt produced, for the router and the cache. */
interface AttemptResult {
  latencyMs: number;
  /** Everything sent to the client, when it may be cached. */
  sent: string[] | null;
  contentType: string;
}

export async function proxy(deps: ProxyDeps, dialect: InboundDialect, ctx: RequestContext): Promise<void> {
  const timing: Timing = { startedAt: performance.now(), upstreamMs: 0, backoffMs: 0 };
  ctx.errorBody = dialect.errorBody;
  const raw = await readJsonObject(ctx.req);
  const model = raw.model;
  if (typeof model !== 'string' || model === '') {
    throw new GatewayError('missing_field', 'The request needs a "model" string.', { param: 'model' });
  }
  if (raw[dialect.requiredField] === undefined || raw[dialect.requiredField] === null) {
    throw new GatewayError('missing_field', `The request needs a "${dialect.requiredField}" field.`, { param: dialect.requiredField });
  }
  ctx.model = model;
  const group = deps.router.resolve(keyAlias(ctx, model) ?? model);
  admit(ctx, model, deps.limiter, deps.accounting);
  // The cache directive is Loopgate's; upstreams would reject the unknown field.
  const { cache: _directive, ...body } = raw;
  if (deps.storeBodies) ctx.requestBody = JSON.stringify(body);
  ctx.stream = body.stream === true;

  const control = deps.cache ? cacheControl(raw, ctx.req.headers['cache-control']) : null;
  const key = deps.cache && control ? cacheKey(dialect.name, group, body) : null;
  if (deps.cache && control?.read && key) {
    const hit = deps.cache.get(key);
    if (hit) return replay(ctx, hit, timing);
  }
  if (key) ctx.res.setHeader('x-loopgate-cache', 'miss');
  await route(deps, dialect, ctx, body, group, timing, key && control?.write ? { key, control } : null);
}

/** Attempts deployments until one answers: retries within the group, then fallback groups. */
async function route(
  deps: ProxyDeps,
  dialect: InboundDialect,
  ctx: RequestContext,
  body: Json,
  original: string,
  timing: Timing,
  caching: { key: string; control: CacheControl } | null,
): Promise<void> {
  const { router } = deps;
  const settings = router.settings;
  const tried = new Set<string>([original]);
  const avoid = new Set<DeploymentConfig>();
  let group = original;
  let retriesLeft = settings.numRetries;
  let fallbacksUsed = 0;
  let attempts = 0;
  let last: AttemptFailure | null = null;

  const nextFallback = (kind: FallbackKind): string | null => {
    if (fallbacksUsed >= settings.maxFallbacks) return null;
    const next = router.fallbacks(original, kind).find((name) => !tried.has(name)) ?? null;
    if (next) {
      tried.add(next);
      fallbacksUsed++;
      retriesLeft = settings.numRetries;
      avoid.clear();
    }
    return next;
  };

  for (;;) {
    let deployment: DeploymentConfig;
    try {
      deployment = router.choose(group, avoid);
    } catch (busy) {
      // The group is cooling: fall back if configured, else report what happened.
      const next = nextFallback('general');
      if (next) {
        group = next;
        continue;
      }
      if (last) return sendFailure(ctx, dialect, last, attempts, timing);
      throw busy;
    }
    attempts++;
    ctx.deployment = deployment;
    router.started(deployment);
    try {
      const result = await attempt(deps, dialect, ctx, body, deployment, attempts, timing);
      router.succeeded(deployment, result.latencyMs, ctx.usage?.totalTokens ?? 0);
      if (caching && result.sent && ctx.res.statusCode === 200) {
        deps.cache!.set(caching.key, { stream: ctx.stream, contentType: result.contentType, chunks: result.sent, usage: ctx.usage }, caching.control.ttlMs);
      }
      return;
    } catch (error) {
      if (!(error instanceof AttemptFailure)) throw error;
      last = error;
      router.failed(deployment, error);
      avoid.add(deployment);
      deps.logger.log('warn', 'Attempt failed', { id: ctx.id, deployment: deployment.id, attempt: attempts, kind: error.kind, error: error.describe() });
      if (error.kind === 'client') return sendFailure(ctx, dialect, error, attempts, timing);
      if (error.kind !== 'retryable') {
        const next = nextFallback(error.kind);
        if (!next) return sendFailure(ctx, dialect, error, attempts, timing);
        group = next;
        continue;
      }
      if (retriesLeft > 0) {
        retriesLeft--;
        const wait = backoffMs(attempts, settings.retryAfterMs, deps.random);
        timing.backoffMs += wait;
        await sleep(wait, undefined, { signal: ctx.signal }).catch(() => undefined);
        if (ctx.signal.aborted) return;
        continue;
      }
      const next = nextFallback('general');
      if (!next) return sendFailure(ctx, dialect, error, attempts, timing);
      group = next;
    } finally {
      router.ended(deployment);
    }
  }
}

/** Exponential backoff with full jitter, at least LiteLLM's retry_after. */
function backoffMs(attempt: number, minimumMs: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.max(minimumMs, Math.round(ceiling * (0.5 + random() / 2)));
}

function routeHeaders(ctx: RequestContext, attempts: number, timing: Timing): void {
  const overhead = performance.now() - timing.startedAt - timing.upstreamMs - timing.backoffMs;
  if (ctx.deployment) ctx.res.setHeader('x-loopgate-deployment', ctx.deployment.id);
  ctx.res.setHeader('x-loopgate-attempts', String(attempts));
  ctx.res.setHeader('x-loopgate-overhead-ms', Math.max(0, overhead).toFixed(2));
}

/**
 * The final failure goes to the client with the upstream's status. Relayed natively, a body
 * already in the client's shape passes unchanged (Claude Code's retry logic reads it);
 * otherwise it is re-said in the dialect.
 */
function sendFailure(ctx: RequestContext, dialect: InboundDialect, failure: AttemptFailure, attempts: number, timing: Timing): void {
  if (!failure.response) throw failure.error!;
  routeHeaders(ctx, attempts, timing);
  const { status, headers, text } = failure.response;
  const native = ctx.deployment ? familyOf(ctx.deployment).speaks(dialect.name, ctx.deployment) : false;
  const structured = parseJson(text);
  const passUnchanged = native && structured !== null && typeof structured.error === 'object' && structured.error !== null;
  sendJson(ctx, status, passUnchanged ? text : dialect.upstreamErrorBody(status, text), clientHeadersFromUpstream(headers));
}

async function attempt(
  deps: ProxyDeps,
  dialect: InboundDialect,
  ctx: RequestContext,
  body: Json,
  deployment: DeploymentConfig,
  attempts: number,
  timing: Timing,
): Promise<AttemptResult> {
  const family = familyOf(deployment);
  const native = family.speaks(dialect.name, deployment);
  let chat: ChatRequest | null = null;
  let request: UpstreamRequest;
  if (native) {
    request = { path: family.nativePath(dialect.name, deployment, ctx.stream), body: dialect.nativeBody(body, deployment.upstreamModel) };
  } else {
    const translated = await dialect.toChat(body);
    chat = translated.chat;
    if (translated.omittedTools.length > 0) {
      // Offered but not runnable upstream (hosted tools): the client still works; say what was left out.
      ctx.res.setHeader('x-loopgate-omitted-tools', translated.omittedTools.join(', '));
      deps.logger.log('warn', 'Left out tools the upstream cannot run', { id: ctx.id, tools: translated.omittedTools.join(','), deployment: deployment.id });
    }
    request = family.chatRequest({ ...chat, model: deployment.upstreamModel }, deployment);
  }

  const sentAt = performance.now();
  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await callUpstream(deps.pools, {
      deployment,
      path: request.path,
      headers: familyHeaders(ctx.req.headers, deployment, request, ctx.id),
      body: request.body,
      stream: ctx.stream,
      signal: ctx.signal,
    });
  } catch (error) {
    timing.upstreamMs += performance.now() - sentAt;
    throw AttemptFailure.fromError(upstreamFailure(error, deployment));
  }
  if (upstream.statusCode >= 400) {
    const text = await upstream.body.text().catch(() => '');
    timing.upstreamMs += performance.now() - sentAt;
    throw AttemptFailure.fromResponse(upstream.statusCode, upstream.headers, text);
  }

  if (ctx.stream && isEventStream(upstream)) {
    if (native) {
      const scanner = dialect.nativeStreamScanner(body);
      const result = await pipeStream(ctx, dialect, upstream, deployment, attempts, timing, sentAt, (chunk) => scanner.push(chunk), () => scanner.end());
      ctx.usage = scanner.usage;
      if (scanner.finished) dialect.remember?.(body, scanner.finished);
      return result;
    }
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
    const result = await pipeStream(ctx, dialect, upstream, deployment, attempts, timing, sentAt, (chunk) => encode(decoder.push(chunk)), () => encode(decoder.end()) + encoder.end());
    ctx.usage = encoder.usage ?? estimatedUsage(chat!, tally.tokens());
    return result;
  }

  const text = await readText(upstream, deployment);
  const latencyMs = performance.now() - sentAt;
  timing.upstreamMs += latencyMs;
  const parsed = parseJson(text);
  let out = text;
  if (native) {
    ctx.usage = parsed ? dialect.nativeUsage(parsed) : null;
    if (parsed) dialect.remember?.(body, parsed);
  } else {
    if (!parsed) throw AttemptFailure.fromError(new GatewayError('upstream', `The upstream deployment "${deployment.id}" answered with something that is not JSON.`));
    const completion = family.chatResponse(parsed, deployment);
    ctx.usage = usageFromOpenAI(completion) ?? estimatedUsage(chat!, countTokens(contentText(completion.choices[0]?.message.content ?? null)));
    const translated = dialect.fromChat(completion, body);
    dialect.remember?.(body, translated);
    out = JSON.stringify(translated);
  }
  if (deps.storeBodies) ctx.responseBody = out;
  routeHeaders(ctx, attempts, timing);
  const contentType = 'application/json';
  sendJson(ctx, upstream.statusCode, out, clientHeadersFromUpstream(upstream.headers));
  return { latencyMs, sent: [out], contentType };
}

/**
 * Relays a stream. Headers wait for the upstream's first chunk, so a stream that dies before
 * it is an ordinary failed attempt. After that, each chunk goes out as it arrives, and a
 * failure ends the stream with the dialect's own error event.
 */
async function pipeStream(
  ctx: RequestContext,
  dialect: InboundDialect,
  upstream: Dispatcher.ResponseData,
  deployment: DeploymentConfig,
  attempts: number,
  timing: Timing,
  sentAt: number,
  onChunk: (chunk: Buffer) => Buffer | string,
  onEnd: () => string,
): Promise<AttemptResult> {
  const { res } = ctx;
  const chunks = (upstream.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  let firstOut: Buffer | string = '';
  try {
    first = await firstChunk(chunks, deployment);
    if (!first.done) firstOut = onChunk(first.value);
  } catch (error) {
    timing.upstreamMs += performance.now() - sentAt;
    upstream.body.destroy();
    if (error instanceof UpstreamStreamError) {
      throw AttemptFailure.fromResponse(502, {}, JSON.stringify({ error: { message: error.message, type: error.type } }));
    }
    throw AttemptFailure.fromError(error instanceof GatewayError ? error : upstreamFailure(error, deployment));
  }
  const latencyMs = performance.now() - sentAt;
  timing.upstreamMs += latencyMs;
  routeHeaders(ctx, attempts, timing);
  res.writeHead(upstream.statusCode, {
    ...clientHeadersFromUpstream(upstream.headers),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  let sent: string[] | null = [];
  const write = async (out: Buffer | string): Promise<void> => {
    if (out.length === 0) return;
    sent?.push(out.toString());
    if (!res.write(out)) await drained(res);
  };
  try {
    await write(firstOut);
    if (!first.done) {
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        await write(onChunk(next.value));
        if (res.destroyed) return { latencyMs, sent: null, contentType: '' };
      }
    }
    await write(onEnd());
  } catch (error) {
    sent = null;
    if (ctx.signal.aborted) return { latencyMs, sent, contentType: '' };
    const failure = error instanceof UpstreamStreamError ? new GatewayError('upstream', error.message) : upstreamFailure(error, deployment);
    res.write(dialect.streamErrorEvent(failure));
  } finally {
    res.end();
  }
  return { latencyMs, sent, contentType: 'text/event-stream; charset=utf-8' };
}

/** The first chunk, within the deployment's stream_timeout (time to first byte) when it has one. */
async function firstChunk(chunks: AsyncIterator<Buffer>, deployment: DeploymentConfig): Promise<IteratorResult<Buffer>> {
  const limit = deployment.streamTimeoutMs;
  if (limit === null) return chunks.next();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new GatewayError('timeout', `The upstream deployment "${deployment.id}" sent no stream data within ${limit / 1000}s.`)),
      limit,
    );
  });
  try {
    return await Promise.race([chunks.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A cache hit: the stored answer, a stream replayed chunk by chunk. */
async function replay(ctx: RequestContext, hit: { stream: boolean; contentType: string; chunks: string[]; usage: TokenUsage | null }, timing: Timing): Promise<void> {
  ctx.res.setHeader('x-loopgate-cache', 'hit');
  ctx.res.setHeader('x-loopgate-overhead-ms', (performance.now() - timing.startedAt).toFixed(2));
  // Nothing went upstream, so nothing is spent; the tokens are the answer's as first served.
  ctx.usage = hit.usage;
  ctx.cached = true;
  if (!hit.stream) return sendJson(ctx, 200, hit.chunks.join(''));
  ctx.res.writeHead(200, { 'content-type': hit.contentType, 'cache-control': 'no-cache' });
  for (const chunk of hit.chunks) {
    if (!ctx.res.write(chunk)) await drained(ctx.res);
  }
  ctx.res.end();
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
    throw AttemptFailure.fromError(upstreamFailure(error, deployment));
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
