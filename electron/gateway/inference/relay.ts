// One attempt on one deployment, as HTTP: relayed natively (relayNative) or translated through the chat pivot
// (relayTranslated), answered in one piece or as a stream. The client hears nothing until the upstream's first
// byte: only then does the attempt commit, so a failure before it is the router's to retry. Each returns what it
// produced (usage, the answer's id). Also here: drop_params, usage estimation when none is reported, routing headers.
import { untranslatable } from './request-shape.js';
import { familyOf } from '../../providers/index.js';
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { UpstreamStreamError, type DeploymentConfig, type UpstreamRequest } from '../../core/deployment.js';
import { contentText, type ChatChunk, type ChatRequest } from '../../core/chat.js';
import { GatewayError } from '../../core/errors.js';
import { redactCredentials } from '../../core/redact.js';
import type { Logger } from '../../core/logger.js';
import { tokenUsage, trailingMember, usageFromOpenAI, type TokenUsage } from '../../core/usage.js';
import type { InboundDialect, Json } from '../../dialects/types.js';
import { countChatPromptTokens, countTokens, ReplyTally } from '../../providers/tokens.js';
import type { AttemptTurn } from '../../router/attempts.js';
import { AttemptFailure } from '../../router/failures.js';
import { drained, sendJson, setAnswerHeader, writeHead, type RequestContext } from '../http/context.js';
import { clientHeadersFromUpstream, nativePathFor } from './proxy-headers.js';
import { callDeployment, upstreamFailure, type UpstreamPools } from './upstream.js';
import { cutShort, SentStream } from './usage-estimate.js';
import { answerNamingModel, streamNamingModel } from '../../dialects/answer-model.js';
import { RESPONSE_ID_SCAN_CHARS, responseIdOf } from './response-id.js';
import { restoring, type AnswerRestorer } from './secret-restore.js';
import { translatedRequest } from './translated-request.js';

export interface RelayDeps {
  pools: UpstreamPools;
  logger: Logger;
}

/** Where one request's time went, for the gateway-overhead header (backoff is the router's). */
export interface Timing {
  startedAt: number;
  upstreamMs: number;
}

/** What a successful attempt produced, for the router, the cache and the request's outcome. */
export interface Relayed {
  /** The upstream's time to its answer (to the first chunk, for a stream). */
  latencyMs: number;
  /** Everything sent to the client, when it may be cached (null for a stream that may not). */
  sent: string[] | null;
  contentType: string;
  /** For a stream the client left: what the upstream produced for it so far. */
  usage: TokenUsage | null;
  responseId: string | null;
  /** The answer (a stream's events as sent) when the request log captures it; else null. */
  responseBody: string | null;
  /** A stream relayed whole is left open: proxy() writes what follows it, if anything (the Playground's summary), and ends it. */
  open: boolean;
}

/** Everything one attempt works with. */
export interface AttemptScope {
  deps: RelayDeps;
  dialect: InboundDialect;
  ctx: RequestContext;
  body: Json;
  /** Whether the client asked for a stream. */
  stream: boolean;
  /** The client's text of `body`, while Loopgate has changed nothing in it; else null. */
  clientText: string | null;
  deployment: DeploymentConfig;
  /** LiteLLM's drop_params for this deployment: fields its family cannot take are dropped, not refused. */
  dropParams: boolean;
  turn: AttemptTurn;
  timing: Timing;
  /** What is kept as it goes (a stream's chunks copied only then): `sent` when the answer may be cached, `answer` when the request log captures it. */
  keep: { sent: boolean; answer: boolean };
  /** The attempt's W3C traceparent when tracing is on: sent upstream in place of the client's. */
  traceparent: string | null;
  /** Puts credentials the secret guard replaced back where the answer repeats their placeholders; null when none were. */
  restorer?: AnswerRestorer | null;
}

const EVENT_STREAM = 'text/event-stream; charset=utf-8';

/** One attempt: natively when the deployment's family speaks the client's dialect, else translated through the chat pivot. */
export function relayAttempt(scope: AttemptScope): Promise<Relayed> {
  return familyOf(scope.deployment).speaks(scope.dialect.name, scope.deployment) ? relayNative(scope) : relayTranslated(scope);
}

/** The client's body goes upstream as it is (the model swapped); the answer comes back unchanged, read for its usage. */
async function relayNative(scope: AttemptScope): Promise<Relayed> {
  const { dialect, body, deployment, stream } = scope;
  const family = familyOf(deployment);
  let request: UpstreamRequest;
  try {
    request = { path: nativePathFor(family.nativePath(dialect.name, deployment, stream), scope.ctx.req.url, deployment), body: dialect.nativeBody(body, deployment.upstreamModel, scope.clientText) };
  } catch (error) {
    throw untranslatable(error);
  }
  const { upstream, sentAt } = await send(scope, request);
  if (stream && isEventStream(upstream)) {
    const scanner = streamNamingModel(dialect.nativeStreamScanner(body), dialect.answerModel, String(body.model), deployment.upstreamModel);
    const sent = new SentStream();
    const result = await pipeStream(
      scope,
      upstream,
      sentAt,
      (chunk) => sent.keep(scanner.push(chunk)),
      () => scanner.end(),
    );
    if (scanner.finished) dialect.remember?.(body, scanner.finished);
    // A client that left mid-stream still owes what the upstream produced for it so far.
    return { ...result, usage: scope.ctx.signal.aborted ? cutShort(scanner.usage, sent.replyTokens()) : scanner.usage };
  }
  const { text: upstreamText, latencyMs } = await readAnswer(scope, upstream, sentAt);
  const text = answerNamingModel(upstreamText, dialect.answerModel, String(body.model), deployment.upstreamModel);
  // A native answer is read for its usage alone (all of it only when that member is not near the end, or the dialect remembers answers).
  const usageOnly = !dialect.remember && dialect.usageMember ? trailingMember(text, dialect.usageMember) : null;
  const parsed = usageOnly ?? parseJson(text);
  if (parsed) dialect.remember?.(body, parsed);
  return answer(scope, upstream, text, parsed ? dialect.nativeUsage(parsed) : null, latencyMs);
}

/** The body becomes the chat pivot, then the family's own request; the answer is said back in the client's dialect. */
async function relayTranslated(scope: AttemptScope): Promise<Relayed> {
  const { dialect, body, deployment, stream } = scope;
  const family = familyOf(deployment);
  let chat: ChatRequest;
  let request: UpstreamRequest;
  try {
    ({ chat, request } = await translatedRequest(scope));
  } catch (error) {
    throw untranslatable(error);
  }
  const { upstream, sentAt } = await send(scope, request);
  if (stream && isEventStream(upstream)) {
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
    const result = await pipeStream(
      scope,
      upstream,
      sentAt,
      (chunk) => encode(decoder.push(chunk)),
      () => encode(decoder.end()) + encoder.end(),
    );
    const usage = encoder.usage ?? estimatedUsage(chat, tally.tokens());
    return { ...result, usage: scope.ctx.signal.aborted ? cutShort(usage, tally.tokens()) : usage };
  }
  const { text, latencyMs } = await readAnswer(scope, upstream, sentAt);
  const parsed = parseJson(text);
  if (!parsed) throw AttemptFailure.fromError(new GatewayError('upstream', `The upstream deployment "${deployment.id}" answered with something that is not JSON.`));
  const completion = family.chatResponse(parsed, deployment);
  const usage = usageFromOpenAI(completion) ?? estimatedUsage(chat, countTokens(contentText(completion.choices[0]?.message.content ?? null)));
  const translated = dialect.fromChat(completion, body);
  dialect.remember?.(body, translated);
  return answer(scope, upstream, JSON.stringify(translated), usage, latencyMs);
}

/** Sends the attempt upstream (then(), not async/await: a promise less); a failure to reach it, or a refusal, is the router's to retry. */
function send(scope: AttemptScope, request: UpstreamRequest): Promise<{ upstream: Dispatcher.ResponseData; sentAt: number }> {
  const { deps, ctx, deployment, timing } = scope;
  const sentAt = performance.now();
  const failed = (error: unknown): never => {
    timing.upstreamMs += performance.now() - sentAt;
    throw AttemptFailure.fromError(upstreamFailure(error, deployment));
  };
  let called: Promise<Dispatcher.ResponseData>;
  try {
    called = callDeployment(deps.pools, deployment, request, { clientHeaders: ctx.req.headers, requestId: ctx.id, stream: scope.stream, signal: ctx.signal, traceparent: scope.traceparent });
  } catch (error) {
    // The family's headers (a signature, say) could not be made: the same failure, said at once.
    return failed(error);
  }
  return called.then((upstream) => (upstream.statusCode >= 400 ? refused(scope, upstream, sentAt) : { upstream, sentAt }), failed);
}

/** An upstream's refusal, read and thrown for the router. */
async function refused({ deployment, timing }: AttemptScope, upstream: Dispatcher.ResponseData, sentAt: number): Promise<never> {
  const text = await upstream.body.text().catch(() => '');
  timing.upstreamMs += performance.now() - sentAt;
  // An upstream may repeat the key it was sent; from here on (client, log, request log) it is masked.
  throw AttemptFailure.fromResponse(upstream.statusCode, upstream.headers, redactCredentials(text, deployment));
}

function readAnswer(scope: AttemptScope, upstream: Dispatcher.ResponseData, sentAt: number): Promise<{ text: string; latencyMs: number }> {
  const read = (text: string): { text: string; latencyMs: number } => {
    const latencyMs = performance.now() - sentAt;
    scope.timing.upstreamMs += latencyMs;
    return { text, latencyMs };
  };
  return upstream.body.text().then(read, (error: unknown) => Promise.reject(AttemptFailure.fromError(upstreamFailure(error, scope.deployment))));
}

/** A whole answer goes to the client: the attempt commits here. */
function answer(scope: AttemptScope, upstream: Dispatcher.ResponseData, out: string, usage: TokenUsage | null, latencyMs: number): Relayed {
  commit(scope);
  sendJson(scope.ctx, upstream.statusCode, scope.restorer ? scope.restorer.text(out) : out, clientHeadersFromUpstream(upstream.headers));
  return { latencyMs, sent: [out], contentType: 'application/json', usage, responseId: responseIdOf(out), responseBody: scope.keep.answer ? out : null, open: false };
}

/** From here on the client hears this attempt: tell the router, and say how it was routed. */
function commit({ ctx, turn, timing, deployment }: AttemptScope): void {
  turn.commit();
  routeHeaders(ctx, deployment, turn.number, turn.backoffMs, timing);
}

export function routeHeaders(ctx: RequestContext, deployment: DeploymentConfig | null, attempts: number, backoffMs: number, timing: Timing): void {
  const overhead = performance.now() - timing.startedAt - timing.upstreamMs - backoffMs;
  if (deployment) setAnswerHeader(ctx, 'x-loopgate-deployment', deployment.id);
  setAnswerHeader(ctx, 'x-loopgate-attempts', String(attempts));
  setAnswerHeader(ctx, 'x-loopgate-overhead-ms', Math.max(0, overhead).toFixed(2));
}

/**
 * Relays a stream. Headers wait for the upstream's first chunk, so a stream that dies before
 * it is an ordinary failed attempt. After that, each chunk goes out as it arrives, and a
 * failure ends the stream with the dialect's own error event. A stream relayed whole is left
 * open for proxy() to end; the caller adds its usage.
 */
async function pipeStream(scope: AttemptScope, upstream: Dispatcher.ResponseData, sentAt: number, toClient: (chunk: Buffer) => Buffer | string, atEnd: () => string): Promise<Omit<Relayed, 'usage'>> {
  const { ctx, dialect, deployment, timing } = scope;
  const { onChunk, onEnd } = restoring(scope.restorer ?? null, toClient, atEnd);
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
      throw AttemptFailure.fromResponse(502, {}, JSON.stringify({ error: { message: redactCredentials(error.message, deployment), type: error.type } }));
    }
    throw AttemptFailure.fromError(error instanceof GatewayError ? error : upstreamFailure(error, deployment));
  }
  const latencyMs = performance.now() - sentAt;
  timing.upstreamMs += latencyMs;
  commit(scope);
  writeHead(ctx, upstream.statusCode, {
    ...clientHeadersFromUpstream(upstream.headers),
    'content-type': dialect.streamContentType ?? EVENT_STREAM,
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  // Headers go out with the first bytes in one write; alone only when the first chunk gave nothing to send yet.
  if (firstOut.length === 0) res.flushHeaders();
  const sent: string[] | null = scope.keep.sent || scope.keep.answer ? [] : null;
  // The answer's id is in its first event; the start of the stream is kept until it is found.
  let head: string | null = '';
  let responseId: string | null = null;
  /** False when the socket is full (the caller then waits for it to drain); no promise per chunk otherwise. */
  const write = (out: Buffer | string): boolean => {
    if (out.length === 0) return true;
    sent?.push(out.toString());
    if (head !== null) {
      head += out.toString();
      responseId = responseIdOf(head);
      if (responseId !== null || head.length >= RESPONSE_ID_SCAN_CHARS) head = null;
    }
    return res.write(out);
  };
  const ended = (open: boolean): Omit<Relayed, 'usage'> => {
    if (!open) res.end();
    return { latencyMs, sent: open ? sent : null, contentType: open ? (dialect.streamContentType ?? EVENT_STREAM) : '', responseId, responseBody: scope.keep.answer && sent ? sent.join('') : null, open };
  };
  try {
    if (!write(firstOut)) await drained(res);
    if (!first.done) {
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        if (!write(onChunk(next.value))) await drained(res);
        if (res.destroyed) return ended(false);
      }
    }
    if (!write(onEnd())) await drained(res);
  } catch (error) {
    if (ctx.signal.aborted) return ended(false);
    const failure = error instanceof UpstreamStreamError ? new GatewayError('upstream', redactCredentials(error.message, deployment)) : upstreamFailure(error, deployment);
    res.write(dialect.streamErrorEvent(failure));
    return ended(false);
  }
  return ended(true);
}

/** Ends a stream relayed whole, after what a caller adds (not part of the answer: never cached, never replayed). */
export async function endStream(res: ServerResponse, epilogue: string | null): Promise<void> {
  if (epilogue && !res.write(epilogue)) await drained(res);
  res.end();
}

/** The first chunk, within the deployment's stream_timeout (time to first byte) when it has one. */
async function firstChunk(chunks: AsyncIterator<Buffer>, deployment: DeploymentConfig): Promise<IteratorResult<Buffer>> {
  const limit = deployment.streamTimeoutMs;
  if (limit === null) return chunks.next();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GatewayError('timeout', `The upstream deployment "${deployment.id}" sent no stream data within ${limit / 1000}s.`)), limit);
  });
  try {
    return await Promise.race([chunks.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** For upstreams that report no usage: the prompt and reply counted with a tokenizer. */
function estimatedUsage(chat: ChatRequest, completionTokens: number): TokenUsage {
  return tokenUsage(countChatPromptTokens(chat), completionTokens);
}

/** text/event-stream, and Bedrock's application/vnd.amazon.eventstream. */
function isEventStream(upstream: Dispatcher.ResponseData): boolean {
  return /event-?stream/.test(String(upstream.headers['content-type'] ?? ''));
}

export function parseJson(text: string): Json | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : null;
  } catch {
    return null;
  }
}
