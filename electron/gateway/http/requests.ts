// One request's life: its context, the dispatch (dispatch.ts), the answer to whatever went
// wrong in the client's error shape, and the accounting, metrics and log line once it is over.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClientSignal } from '../../core/client-signal.js';
import { GatewayError, toGatewayError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { runInRequest } from '../../core/request-scope.js';
import { errorBodyFor } from '../../dialects/error-bodies.js';
import type { ErrorCode } from '../../../shared/errors.js';
import { STOPPED_STATUS } from '../../../shared/log-views.js';
import { WrongKeyError } from '../access/auth-throttle.js';
import type { Accounting } from '../accounting/accounting.js';
import { projectOf, sessionOf } from '../accounting/attribution.js';
import { clientName } from '../accounting/client-name.js';
import { clientTokens, replayOf } from '../accounting/capture.js';
import type { GatewayMetrics } from '../accounting/metrics.js';
import { applyBodyPolicy, type BodyPolicy } from './body.js';
import { sendError, setAnswerHeader, type RequestContext, type RequestOutcome } from './context.js';
import { dispatch, type DispatchDeps } from './dispatch.js';

export interface RequestDeps {
  dispatch: DispatchDeps;
  logger: Logger;
  clock: () => number;
  accounting: Accounting;
  metrics: GatewayMetrics;
  /** `METHOD path` of the routes left out of the metrics (probes, /metrics). */
  unmetered: ReadonlySet<string>;
  /** The configured model names: the only ones that become metric labels. */
  configured(): ReadonlySet<string>;
  bodies: BodyPolicy;
  /** Closing: answers say `connection: close`. */
  draining(): boolean;
}

/** A thrown value for the log: its stack when it has one. */
function stackOf(thrown: unknown): string {
  return thrown instanceof Error ? (thrown.stack ?? String(thrown)) : String(thrown);
}

export function requestHandler(deps: RequestDeps): (req: IncomingMessage, res: ServerResponse) => void {
  /** Never throws, nor leaves a promise to reject: what escapes a request (it never should) is logged and its connection closed. */
  function handle(req: IncomingMessage, res: ServerResponse): void {
    try {
      start(req, res);
    } catch (error) {
      unhandled(res, null, error);
    }
  }

  function unhandled(res: ServerResponse, id: string | null, error: unknown): void {
    deps.logger.log('error', 'unhandled', { id: id ?? undefined, error: stackOf(error) });
    res.destroy();
  }

  function start(req: IncomingMessage, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    const signal = new ClientSignal();
    const id = randomUUID();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const ctx: RequestContext = {
      id,
      req,
      res,
      path: queryAt === -1 ? url : url.slice(0, queryAt),
      search: queryAt === -1 ? '' : url.slice(queryAt + 1),
      signal,
      headers: deps.draining() ? ['x-request-id', id, 'connection', 'close'] : ['x-request-id', id],
      caller: null,
      errorBody: errorBodyFor('openai'),
    };
    // Counted once the answer is closed and the handler has returned: a client that leaves
    // mid-stream ends the answer first, and its usage is known only when the relay has stopped.
    let open = 2;
    let outcome: RequestOutcome | null = null;
    const done = (): void => {
      if (--open === 0) finish(ctx, started, outcome);
    };
    res.on('close', () => {
      if (!res.writableFinished) signal.abort();
      // Runs on the socket's event, outside the request's scope: a throw here would end the process.
      try {
        done();
      } catch (error) {
        deps.logger.log('error', 'the request was not accounted', { id: ctx.id, error: stackOf(error) });
      }
    });
    applyBodyPolicy(req, deps.bodies);
    // Whatever escapes (it never should) ends this request only: here, and through the process guard.
    const scope = { id, end: () => endAfterFault(ctx) };
    // One then() with both callbacks, not async/await or then/catch/finally: each promise on this
    // path costs CPU on every request (more so while the request scope tracks promises).
    const served = (returned: RequestOutcome | null): void => {
      outcome = returned;
      accountOnce();
    };
    const escaped = (error: unknown): void => {
      deps.logger.log('error', 'unhandled', { id: ctx.id, error: stackOf(error) });
      endAfterFault(ctx);
      accountOnce();
    };
    const accountOnce = (): void => {
      try {
        done();
      } catch (error) {
        unhandled(res, ctx.id, error);
      }
    };
    runInRequest(scope, () => {
      const result = serve(ctx);
      if (result instanceof Promise) void result.then(served, escaped);
      else served(result);
    });
  }

  /** Runs the route; a model route's outcome comes back for finish(), with what its client was told went wrong. */
  function serve(ctx: RequestContext): RequestOutcome | null | Promise<RequestOutcome | null> {
    const { req } = ctx;
    const address = req.socket.remoteAddress ?? '';
    const refused = (thrown: unknown): RequestOutcome | null => {
      if (thrown instanceof WrongKeyError) deps.dispatch.throttle.fail(address);
      return failed(ctx, thrown, null);
    };
    try {
      // Before any routing: a page that rebound its own name to this address is refused here.
      if (!deps.dispatch.hosts().allowsHost(req.headers.host)) {
        throw new GatewayError('permission', 'Loopgate answers only to localhost, 127.0.0.1, [::1] and the names in general_settings.allowed_hosts.');
      }
      const ran = dispatch(deps.dispatch, ctx);
      return ran instanceof Promise ? ran.then((outcome) => answered(ctx, outcome ?? null), refused) : answered(ctx, ran ?? null);
    } catch (thrown) {
      return refused(thrown);
    }
  }

  /** A model route's outcome; a failure it did not answer yet is said to the client now. */
  function answered(ctx: RequestContext, outcome: RequestOutcome | null): RequestOutcome | null {
    return outcome?.error ? failed(ctx, outcome.error, outcome) : outcome;
  }

  /** A refusal or failure, said to the client; the outcome (if any) keeps what the client was told. */
  function failed(ctx: RequestContext, thrown: unknown, outcome: RequestOutcome | null): RequestOutcome | null {
    const said = answerFailure(ctx, thrown);
    if (outcome) outcome.failure ??= said;
    return outcome;
  }

  /** Says what went wrong in the client's dialect, and returns it for the request log; never throws (if even that fails, the connection is closed). */
  function answerFailure(ctx: RequestContext, thrown: unknown): { code: ErrorCode; message: string } | null {
    const { req, res } = ctx;
    try {
      const error = toGatewayError(thrown, ctx.id);
      // The log gets the whole story (stack included); the answer only the request id.
      if (error.code === 'internal' && !(thrown instanceof GatewayError)) deps.logger.log('error', 'unhandled', { id: ctx.id, error: stackOf(thrown) });
      // A body refused half-way is not read on: the connection closes after the answer.
      if (!req.complete && !res.headersSent) setAnswerHeader(ctx, 'connection', 'close');
      if (!res.headersSent) sendError(ctx, error);
      else res.end();
      return { code: error.code, message: error.message };
    } catch (failed) {
      deps.logger.log('error', 'the error answer could not be written; the connection was closed', { id: ctx.id, error: stackOf(failed) });
      res.destroy();
      return null;
    }
  }

  /** After a fault no handler caught: a 500 naming the request if nothing was sent yet, else the connection closes. */
  function endAfterFault(ctx: RequestContext): void {
    if (ctx.res.writableEnded || ctx.res.destroyed) return;
    if (ctx.res.headersSent) return void ctx.res.destroy();
    answerFailure(ctx, toGatewayError(null, ctx.id));
  }

  function finish(ctx: RequestContext, started: bigint, outcome: RequestOutcome | null): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // A client gone before the answer ended is 499, even if the relay ended the answer after it left
    // (writableFinished turns true then: the socket is already detached).
    const status = ctx.res.writableFinished && !ctx.signal.aborted ? ctx.res.statusCode : STOPPED_STATUS;
    const usage = outcome?.usage ?? null;
    const model = outcome?.model ?? null;
    outcome?.hold?.release?.(usage?.totalTokens ?? 0);
    // Usage is accounted for every authenticated request that named a model, errors included.
    let cost = 0;
    if (ctx.caller && outcome && model !== null) {
      cost = deps.accounting.record({
        id: ctx.id,
        time: deps.clock(),
        keyId: ctx.caller.kind === 'virtual' ? ctx.caller.key.id : null,
        model,
        deployment: outcome.deployment,
        status,
        latencyMs: Math.round(seconds * 1e5) / 100,
        usage,
        capture: outcome.capture,
        requestBody: outcome.requestBody,
        responseBody: outcome.responseBody,
        clientTokens: outcome.capture === 'off' ? [] : clientTokens(ctx.req.headers, ctx.search),
        replayOf: replayOf(ctx.caller, ctx.req.headers),
        attempts: outcome.attempts,
        failure: outcome.failure,
        callType: outcome.callType,
        cacheHit: outcome.cached,
        client: clientName(ctx.req.headers['user-agent']),
        responseId: outcome.responseId,
        session: sessionOf(ctx.req.headers),
        project: projectOf(ctx.req.headers),
        route: outcome.route,
      });
    }
    // The budgets' hold goes and the real cost counts (per model group, and across instances).
    outcome?.hold?.reservation?.settle(cost);
    outcome?.trace?.end({ status, usage, deployment: outcome.deployment, cost, failure: outcome.failure });
    // Only configured names become label values, so a client cannot grow the metric set.
    const label = model !== null && deps.configured().has(model) ? model : 'other';
    if (!deps.unmetered.has(`${ctx.req.method} ${ctx.path}`)) deps.metrics.record(label, status, seconds, usage);
    deps.logger.log('info', 'request', {
      id: ctx.id,
      method: ctx.req.method,
      path: ctx.path,
      model,
      key: ctx.caller?.kind === 'virtual' ? ctx.caller.key.id : (ctx.caller?.kind ?? null),
      deployment: outcome?.deployment?.id ?? null,
      status,
      stream: outcome?.stream ?? false,
      cache: outcome?.cached ? 'hit' : undefined,
      latency_ms: Math.round(seconds * 1e5) / 100,
      prompt_tokens: usage?.promptTokens ?? null,
      completion_tokens: usage?.completionTokens ?? null,
      total_tokens: usage?.totalTokens ?? null,
    });
  }

  return handle;
}
