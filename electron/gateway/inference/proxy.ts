// The request path for every model-calling route: read the body once, resolve the model
// group, admit the key, answer from the cache when asked to, then let the router's attempt
// loop try deployments (router/attempts.ts), each attempt relayed by relay.ts. What is left to
// say at the end is the final failure, in the client's dialect.
import { familyOf } from '../../providers/index.js';
import type { TokenUsage } from '../../core/usage.js';
import type { InboundDialect, Json } from '../../dialects/types.js';
import { runAttempts, type RequestFallbacks } from '../../router/attempts.js';
import type { AttemptFailure } from '../../router/failures.js';
import type { Router } from '../../router/index.js';
import type { CompiledRoutes } from '../../router/routes/index.js';
import type { Budgets } from '../access/budgets.js';
import { admit, admitFallbacks, requireModelAllowed, type Hold } from '../access/admission.js';
import { lookUpModel } from '../access/model-access.js';
import { takeLiteLLMParams } from './litellm-params.js';
import { answerMock } from './mock-response.js';
import { clientTextOf, readJsonObject } from '../http/body.js';
import { cacheControl, cacheKey, type CacheControl, type ResponseCache } from './cache.js';
import { applyHold, outcomeOf, sendJson, setAnswerHeader, type RequestContext, type RequestOutcome } from '../http/context.js';
import { GatewayError } from '../../core/errors.js';
import type { RateLimiter } from '../access/limits.js';
import { clientHeadersFromUpstream } from './proxy-headers.js';
import type { Tracing } from '../accounting/tracing.js';
import { captureModeFor, type LiveCapture } from '../accounting/capture.js';
import { requireClientSignIn } from './client-sign-in.js';
import { checkRequestShape, clientModel } from './request-shape.js';
import { cutShort, leftEarlyUsage, requestSize, requestSizeBound } from './usage-estimate.js';
import { endStream, parseJson, relayAttempt, routeHeaders, type RelayDeps, type Timing } from './relay.js';
import { replay } from './replay.js';
import { failAttempt, failureReason, startAttempt } from './attempt-record.js';
import { chooseRoute, ROUTE_HEADER } from './route-choice.js';
import { isConnectivityFailure } from './upstream.js';
import { OFFLINE_ROUTE, offlineGroup, type ConnectivityMonitor } from './offline.js';
import type { Caller } from '../access/auth.js';
import { relaySearched, searchedByLoopgate } from './web-search.js';
import type { SearchProviderConfig } from '../../providers/search/index.js';
import type { GuardedRequest, SecretGuard } from './secret-guard.js';

export interface ProxyDeps extends RelayDeps {
  router: Router;
  limiter: RateLimiter;
  budgets: Budgets;
  /** Off unless the routing settings in force switch it on. */
  cache: ResponseCache;
  random: () => number;
  /** OpenTelemetry spans; null (and free) unless an OTLP endpoint is set. */
  tracing: Tracing | null;
  /** The routes in force, compiled (router/routes/). */
  routes: () => CompiledRoutes;
  /** The search provider web-search tools are run with for upstreams that cannot search; null when none is set. */
  webSearch?: () => Promise<SearchProviderConfig | null>;
  /** The app's capture setting (a key's own wins): which requests keep their bodies. */
  capture: LiveCapture;
  /** Offline fallback: reads the setting in force (the app's routing settings, else the file's) on each request; null: none at all. */
  offline: ConnectivityMonitor | null;
  /** Credentials in prompts bound for a cloud deployment: warned about, redacted or refused (secret-guard.ts). */
  secretGuard?: SecretGuard | null;
}

/** What a caller other than a client's route changes (the admin UI's Playground, playground.ts). */
export interface ProxyOptions {
  /** Streams carry usage even when the request did not ask for it. */
  streamUsage?: boolean;
  /** Written after a stream's last event, given its usage, time to first byte and the outcome so far. */
  epilogue?: (usage: TokenUsage | null, firstByteMs: number, outcome: RequestOutcome) => string;
  /** The body of a final upstream failure, instead of the dialect's. */
  failureBody?: (status: number, failure: AttemptFailure, outcome: RequestOutcome) => string;
  /** Request fields the URL carries (Gemini names the model and the streaming there), over the body's. */
  pathFields?: Json;
}

/**
 * Runs one model request and says what it did: the outcome the HTTP layer accounts once the
 * answer has closed. A refusal or failure not yet answered comes back as its `error`.
 */
export function proxy(deps: ProxyDeps, dialect: InboundDialect, ctx: RequestContext, options: ProxyOptions = {}): Promise<RequestOutcome> {
  ctx.errorBody = dialect.errorBody;
  return outcomeOf(dialect.name, (outcome) => run(deps, dialect, ctx, options, outcome));
}

async function run(deps: ProxyDeps, dialect: InboundDialect, ctx: RequestContext, options: ProxyOptions, outcome: RequestOutcome): Promise<void> {
  const timing: Timing = { startedAt: performance.now(), upstreamMs: 0 };
  const read = await readJsonObject(ctx.req);
  // Only the Gemini routes carry fields in the URL; every other request keeps the parsed object.
  const raw = options.pathFields ? { ...read, ...options.pathFields } : read;
  const model = clientModel(raw.model);
  if (raw[dialect.requiredField] === undefined || raw[dialect.requiredField] === null) {
    throw new GatewayError('missing_field', `"${dialect.requiredField}" is missing from the request.`, { param: dialect.requiredField });
  }
  checkRequestShape(dialect.name, raw);
  outcome.model = model;
  outcome.capture = captureModeFor(ctx.caller, ctx.req.headers, deps.capture);
  // Kept from here, so a request its budget or limits refuse shows what it asked for too.
  if (outcome.capture !== 'off') outcome.requestBody = JSON.stringify(raw);
  outcome.trace = deps.tracing?.start(ctx.req.headers, dialect.name, model) ?? null;
  setAnswerHeader(ctx, ROUTE_HEADER, outcome.route);
  const chosen = chooseRoute(deps.routes(), dialect, raw, model, ctx.req.headers, ctx.caller);
  const routed = chosen instanceof Promise ? await chosen : chosen;
  if (routed.group !== null) {
    outcome.route = routed.route;
    setAnswerHeader(ctx, ROUTE_HEADER, routed.route);
  }
  const admitted = admitRequest(deps, dialect, ctx, model, raw, outcome, routed.group);
  const asked = typeof admitted === 'string' ? admitted : await admitted;
  // While the cloud is unreachable, a cloud group's request goes to the local group, and says so.
  const local = offlineGroup(deps.offline, deps.router.deploymentsOf(asked), ctx.caller);
  if (local !== null) {
    outcome.route = OFFLINE_ROUTE;
    setAnswerHeader(ctx, ROUTE_HEADER, OFFLINE_ROUTE);
  }
  const group = local ?? asked;
  // LiteLLM's own fields (the cache directive among them) are read here and never sent upstream.
  const taken = takeLiteLLMParams(dialect.name, raw);
  const { params, changed } = taken;
  const fallbacks = admitFallbacks(ctx.caller, deps.router, params.fallbacks);
  const addsUsage = options.streamUsage === true && taken.body.stream === true;
  // A copy: the body may still be the client's parsed object, which the cache directive is read from.
  const body: Json = addsUsage ? { ...taken.body, stream_options: { ...(taken.body.stream_options as Json | undefined), include_usage: true } } : taken.body;
  // The client's own text stands for the body while Loopgate has changed nothing in it.
  const clientText = raw === read && !changed && !addsUsage && !routed.stripped ? clientTextOf(read) : null;
  const guarded = deps.secretGuard?.inspect(body, ctx.caller, ctx.id) ?? null;
  if (guarded) setAnswerHeader(ctx, 'x-loopgate-secret-guard', `${guarded.mode}; rules=${guarded.rules().join(',')}`);
  // What goes upstream from here (LiteLLM's own fields taken out); what is kept never holds a credential the guard found.
  if (outcome.capture !== 'off') outcome.requestBody = JSON.stringify(guarded ? guarded.redactedBody() : body);
  outcome.stream = body.stream === true;
  if (params.mockResponse !== null) {
    Object.assign(outcome, await answerMock(ctx, dialect, body, params.mockResponse, outcome.stream));
    return;
  }

  const cache = deps.cache.enabled ? deps.cache : null;
  const control = cache ? cacheControl(raw, ctx.req.headers['cache-control']) : null;
  // A prompt holding credentials is neither answered from the cache nor kept in it.
  const key = cache && control && !guarded && !signsInItself(deps, group) ? cacheKey(dialect.name, group, body) : null;
  if (cache && control?.read && key) {
    const found = cache.lookup(key);
    const hit = found instanceof Promise ? await found : found;
    if (hit) {
      // Nothing went upstream, so nothing is spent; the tokens are the answer's as first served.
      outcome.usage = hit.usage;
      outcome.cached = true;
      outcome.responseId = await replay(ctx, hit, timing);
      return;
    }
  }
  if (key) setAnswerHeader(ctx, 'x-loopgate-cache', 'miss');
  await route(deps, dialect, ctx, { body, clientText, guarded }, { group, fallbacks, numRetries: params.numRetries }, timing, key && control?.write ? { key, control } : null, options, outcome);
}

/** A group with a passthrough deployment skips the response cache: its answers belong to the client that signed in. */
function signsInItself(deps: ProxyDeps, group: string): boolean {
  return deps.router.deploymentsOf(group).some((deployment) => deployment.passthrough);
}

/**
 * Limits first: a key over its budget or rate is refused for that before the name it sent is
 * looked up (an unknown name answers its 404 only to a key that may still spend). count_tokens
 * resolves and permits a model the same way (lookUpModel), without the limits. Returns the group.
 */
function admitRequest(deps: ProxyDeps, dialect: InboundDialect, ctx: RequestContext, model: string, raw: Json, outcome: RequestOutcome, routedGroup: string | null): string | Promise<string> {
  const lookup = routedGroup === null ? lookUpModel(ctx.caller, deps.router, model) : lookUpRouted(ctx.caller, deps.router, model, routedGroup);
  const group = lookup.group ?? model;
  // Only budgets and limits shared through Redis answer later; in memory they are checked right here.
  const estimate = (fits: (cost: number) => boolean): number | Promise<number> => {
    if (lookup.group === null) return 0;
    const deployments = deps.router.deploymentsOf(group);
    // Far from the budget an upper bound will do (no token is shorter than a byte); the prompt is counted only near it.
    const bound = deps.budgets.estimate(deployments, requestSizeBound(raw));
    return fits(bound) ? bound : requestSize(dialect, raw).then((size) => deps.budgets.estimate(deployments, size));
  };
  const admitted = (hold: Hold): string => {
    outcome.hold = hold;
    applyHold(ctx, hold);
    if (lookup.error) throw lookup.error;
    return group;
  };
  // Synchronous unless Redis or the tokenizer answers later: no promise per request otherwise.
  const hold = admit(ctx, { model, group }, deps, estimate);
  return hold instanceof Promise ? hold.then(admitted) : admitted(hold);
}

/**
 * A routed request goes to the route's group: the key must still be allowed the model it asked
 * for, but that name need not exist (Claude Code's Haiku name routed to a local model).
 */
function lookUpRouted(caller: Caller | null, router: Router, model: string, group: string): ReturnType<typeof lookUpModel> {
  try {
    if (caller?.kind === 'virtual') requireModelAllowed(caller.key, model);
    return { group: router.resolve(group), error: null };
  } catch (error) {
    return { group: null, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

async function route(
  deps: ProxyDeps,
  dialect: InboundDialect,
  ctx: RequestContext,
  { body, clientText, guarded }: { body: Json; clientText: string | null; guarded: GuardedRequest | null },
  { group, fallbacks, numRetries }: { group: string; fallbacks: RequestFallbacks; numRetries: number | null },
  timing: Timing,
  caching: { key: string; control: CacheControl } | null,
  options: ProxyOptions,
  outcome: RequestOutcome,
): Promise<void> {
  const result = await runAttempts(
    {
      router: deps.router,
      group,
      fallbacks,
      numRetries,
      signal: ctx.signal,
      random: deps.random,
      onFailure: (deployment, failure, attempt) => {
        deps.logger.log('warn', 'Attempt failed', { id: ctx.id, deployment: deployment.id, attempt, kind: failure.kind, error: failure.describe() });
        if (isConnectivityFailure(failure.error)) deps.offline?.unreachable(deployment);
      },
    },
    async (deployment, turn) => {
      outcome.deployment = deployment;
      // Not an upstream failure: the client's 401, with no retry, fallback or cooldown.
      requireClientSignIn(deployment, ctx.req.headers);
      // The deployment's own drop_params wins over the global one.
      const dropParams = deployment.dropParams ?? deps.router.settings.dropParams;
      // Refused here (block) the request has no attempt: nothing left.
      const sent = guarded ? guarded.forAttempt(deployment, clientText) : { body, clientText, restorer: null };
      const attempt = startAttempt(outcome, deployment, turn);
      const traced = outcome.trace?.attempt(deployment) ?? null;
      const startedAt = performance.now();
      try {
        const scope = {
          deps,
          dialect,
          ctx,
          ...sent,
          stream: outcome.stream,
          deployment,
          dropParams,
          turn,
          timing,
          keep: { sent: caching !== null, answer: outcome.capture !== 'off' },
          traceparent: traced?.traceparent ?? null,
        };
        // A web-search tool the upstream cannot run is run here, with the configured search provider.
        const searching = searchedByLoopgate(dialect, deployment, body);
        const relayed = await (searching ? relaySearched(scope, searching, (await deps.webSearch?.()) ?? null) : relayAttempt(scope));
        attempt.status = ctx.res.statusCode;
        outcome.usage = relayed.usage;
        outcome.responseId = relayed.responseId;
        outcome.responseBody = guarded && relayed.responseBody ? guarded.maskJson(relayed.responseBody) : relayed.responseBody;
        // The Playground's summary follows a whole stream, outside the answer.
        if (relayed.open) await endStream(ctx.res, options.epilogue?.(relayed.usage, relayed.latencyMs, outcome) ?? null);
        return { ...relayed, tokens: relayed.usage?.totalTokens ?? 0 };
      } catch (error) {
        failAttempt(attempt, error, deployment);
        // The client left while the upstream had the request: its prompt is billed all the same.
        if (ctx.signal.aborted) outcome.usage ??= cutShort(null, 0);
        throw error;
      } finally {
        attempt.latencyMs = Math.round((performance.now() - startedAt) * 100) / 100;
        traced?.end(attempt);
      }
    },
  );
  if (ctx.signal.aborted && outcome.usage) outcome.usage = await leftEarlyUsage(dialect, body, outcome.usage);
  if (result.status === 'failed') return sendFailure(ctx, dialect, result.failure, { attempts: result.attempts, backoffMs: result.backoffMs, timing }, options, outcome);
  // An answer given on a client's own sign-in is that client's alone: never kept for another.
  if (result.status === 'served' && caching && result.value.sent && ctx.res.statusCode === 200 && !outcome.deployment?.passthrough) {
    const { sent, contentType } = result.value;
    deps.cache.set(caching.key, { stream: outcome.stream, contentType, chunks: sent, usage: outcome.usage }, caching.control.ttlMs);
  }
}

/**
 * The final failure goes to the client with the upstream's status. Relayed natively, a body
 * already in the client's shape passes unchanged (Claude Code's retry logic reads it);
 * otherwise it is re-said in the dialect.
 */
function sendFailure(
  ctx: RequestContext,
  dialect: InboundDialect,
  failure: AttemptFailure,
  { attempts, backoffMs, timing }: { attempts: number; backoffMs: number; timing: Timing },
  options: ProxyOptions,
  outcome: RequestOutcome,
): void {
  if (!failure.response) throw failure.error!;
  const deployment = outcome.deployment;
  outcome.failure = { code: 'upstream', message: failureReason(failure, deployment) };
  routeHeaders(ctx, deployment, attempts, backoffMs, timing);
  const { status, headers, text } = failure.response;
  const native = deployment ? familyOf(deployment).speaks(dialect.name, deployment) : false;
  const structured = parseJson(text);
  const passUnchanged = native && structured !== null && typeof structured.error === 'object' && structured.error !== null;
  const said = options.failureBody ? options.failureBody(status, failure, outcome) : passUnchanged ? text : dialect.upstreamErrorBody(status, text);
  if (outcome.capture !== 'off') outcome.responseBody = said;
  sendJson(ctx, status, said, clientHeadersFromUpstream(headers));
}
