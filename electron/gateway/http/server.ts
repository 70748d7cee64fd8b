// Gateway owns the HTTP server: routing of paths, auth, the request log and metrics, health,
// and graceful shutdown. Everything it needs is prepared here, once, before it listens.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthThrottle, WrongKeyError } from '../access/auth-throttle.js';
import { applyBodyPolicy, bodyPolicy } from './body.js';
import { clientName } from '../accounting/client-name.js';
import { ConnectionTracker } from './connections.js';
import { HostGuard } from './host-guard.js';
import { adoptAnswerHeaders, decodePathPart, sendError, sendJson, setAnswerHeader, writeHead, type RequestContext } from './context.js';
import { ClientSignal } from '../../core/client-signal.js';
import { runInRequest } from '../../core/request-scope.js';
import { anthropicDialect } from '../../dialects/anthropic/index.js';
import { fromStoreFailure } from '../../services/errors.js';
import { chatDialect } from '../../dialects/chat/index.js';
import { completionsDialect, embeddingsDialect, imagesDialect, moderationsDialect } from '../../dialects/openai-native.js';
import { ConversationStore } from '../../dialects/responses/conversations.js';
import { createResponsesDialect } from '../../dialects/responses/index.js';
import { countTokens } from '../inference/count-tokens.js';
import { geminiRoute, type GeminiRouteDeps } from '../inference/gemini-routes.js';
import { GatewayError, openAIErrorBody, toGatewayError } from '../../core/errors.js';
import { ManagementApi } from '../admin/litellm-keys.js';
import { ModelManagementApi } from '../admin/litellm-models.js';
import { GatewayMetrics } from '../accounting/metrics.js';
import { listModels, retrieveModel } from '../inference/openai-models.js';
import { playground } from '../inference/playground.js';
import { proxy } from '../inference/proxy.js';
import { readinessBody, sendHealth } from '../inference/health.js';
import { handleUi, isLoopback, UiSessions, type UiDeps } from '../admin/ui-api.js';
import { DEFAULT_HEARTBEAT_MS, EventStreams } from '../admin/ui-events.js';
import { refuseCrossSite } from './cross-site.js';
import type { GatewayApp } from './gateway-app.js';

export interface GatewayOptions {
  /** The built renderer served at /ui; null leaves the admin UI off. */
  uiDir?: string | null;
  /** How often /ui/events sends a heartbeat (and checks the session). */
  eventHeartbeatMs?: number;
  /** Connection limits; the defaults suit a laptop (tests shorten them). */
  network?: Partial<NetworkLimits>;
}

interface NetworkLimits {
  /** A client must send its request headers within this (slow or idle connections are closed). */
  headersTimeoutMs: number;
  /** ... and its whole request body within this; answers (streams included) are not bounded here. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A new connection must send its first byte within this (a browser's unused preconnect, a silent socket). */
  firstByteTimeoutMs: number;
  /** Open connections past this are answered 503 and closed at once. */
  maxConnections: number;
  /** How often the server looks for connections past their header or body timeout. */
  checkIntervalMs: number;
  /** Wrong keys allowed per client address per window before it is answered 429. */
  authFailures: number;
  authWindowMs: number;
  /** Request-body bytes held at once across all requests; null: three times the body limit, at least 64 MiB. */
  bodyBudgetBytes: number | null;
}

const NETWORK_DEFAULTS: NetworkLimits = {
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 65_000,
  firstByteTimeoutMs: 10_000,
  maxConnections: 1024,
  checkIntervalMs: 1_000,
  authFailures: 10,
  authWindowMs: 60_000,
  bodyBudgetBytes: null,
};

export interface Gateway {
  readonly server: Server;
  /** What the gateway serves: the services, the request pipeline's parts (app/index.ts). */
  readonly app: GatewayApp;
  /** What each open /ui/events stream holds in memory (bounded; see ui-events.ts). */
  eventStreamStats(): Array<{ queued: number; buffered: number }>;
  /** A one-time link that opens the admin UI already signed in (what `npm start` opens). */
  loginLink(): string;
  listen(port: number, host: string): Promise<URL>;
  /** Stops accepting, closes idle connections at once, lets in-flight requests finish (up to `graceMs`); the app closes after (App.close). */
  close(graceMs?: number): Promise<void>;
}

type Handler = (ctx: RequestContext) => void | Promise<void>;

const V1_PREFIX = '/v1';
const DEFAULT_GRACE_MS = 30_000;
const BUSY_BODY = JSON.stringify({ error: { message: 'Loopgate has too many open connections; retry shortly.', type: 'api_error', param: null, code: 'unavailable' } });
const BUSY_RESPONSE = `HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(BUSY_BODY)}\r\nretry-after: 1\r\nconnection: close\r\n\r\n${BUSY_BODY}`;

/** A thrown value for the log: its stack when it has one. */
function stackOf(thrown: unknown): string {
  return thrown instanceof Error ? (thrown.stack ?? String(thrown)) : String(thrown);
}

export async function createGateway(app: GatewayApp, options: GatewayOptions = {}): Promise<Gateway> {
  const { config, logger, store, clock, table, auth, accounting } = app;
  const deps = app.proxy;
  const limits: NetworkLimits = { ...NETWORK_DEFAULTS, ...options.network };
  const throttle = new AuthThrottle(limits.authFailures, limits.authWindowMs, clock);
  const bodies = bodyPolicy(config.security.maxBodyBytes, limits.bodyBudgetBytes);
  // Set again by listen(), which knows the bound address.
  let hosts = new HostGuard({ allowedHosts: config.security.allowedHosts });
  const metrics = new GatewayMetrics();
  const responsesDialect = createResponsesDialect(new ConversationStore(clock));
  let listeningUrl: URL | null = null;
  const management = new ManagementApi(app.services);
  const modelManagement = new ModelManagementApi(app.services);
  const sessions = new UiSessions(clock);
  const eventStreams = new EventStreams({ events: app.events, heartbeatMs: options.eventHeartbeatMs ?? DEFAULT_HEARTBEAT_MS, clock });
  const ui: UiDeps = {
    sessions,
    auth,
    api: app.api,
    uiDir: options.uiDir ?? null,
    playground: (ctx) => playground(deps, ctx),
    eventStreams,
    throttle,
    hosts: () => hosts,
    logger,
  };
  let draining = false;

  // Degraded, not down: traffic flows without Redis (per-instance limits) and without the database (writes queued).
  function readiness(): { status: number; body: Record<string, unknown> } {
    return readinessBody({
      draining,
      models: table.configured.size,
      redis: app.redis ? (app.redis.degraded ? 'unavailable' : 'connected') : null,
      databaseAvailable: accounting.writes.available,
      databaseIsServer: store.kind === 'postgres',
      queuedLogRows: accounting.writes.queuedRows,
      cache: table.cache.enabled ? (table.cache.shared ? 'redis' : 'local') : null,
      version: app.version,
    });
  }

  // Public routes answer without a key: probes and scrapers do not carry one.
  const publicRoutes = new Map<string, Handler>([
    // Clients (Claude Code among them) probe the base URL before their first call.
    ['GET /', (ctx) => sendJson(ctx, 200, '{"name":"Loopgate","status":"ok"}')],
    ['HEAD /', (ctx) => sendJson(ctx, 200, '')],
    ['GET /health/liveliness', (ctx) => sendJson(ctx, 200, '{"status":"alive"}')],
    ['GET /health/liveness', (ctx) => sendJson(ctx, 200, '{"status":"alive"}')],
    [
      'GET /health/readiness',
      (ctx) => {
        const { status, body } = readiness();
        sendJson(ctx, status, JSON.stringify(body));
      },
    ],
    [
      'GET /metrics',
      async (ctx) => {
        requireMetricsAccess(ctx);
        const body = await metrics.render();
        writeHead(ctx, 200, { 'content-type': metrics.registry.contentType });
        ctx.res.end(body);
      },
    ],
  ]);
  // API routes answer with and without the `/v1` prefix; the key is checked before the body is read.
  const apiRoutes = new Map<string, Handler>([
    ['GET /models', (ctx) => listModels(table.models, ctx)],
    ['POST /chat/completions', (ctx) => proxy(deps, chatDialect, ctx)],
    ['POST /completions', (ctx) => proxy(deps, completionsDialect, ctx)],
    ['POST /embeddings', (ctx) => proxy(deps, embeddingsDialect, ctx)],
    ['POST /images/generations', (ctx) => proxy(deps, imagesDialect, ctx)],
    ['POST /moderations', (ctx) => proxy(deps, moderationsDialect, ctx)],
    ['POST /messages', (ctx) => proxy(deps, anthropicDialect, ctx)],
    ['POST /responses', (ctx) => proxy(deps, responsesDialect, ctx)],
    ['POST /messages/count_tokens', (ctx) => countTokens(deps, ctx)],
  ]);
  const apiPaths = new Set([...apiRoutes.keys()].map((key) => key.slice(key.indexOf(' ') + 1)));
  // The management API: master key only, LiteLLM's paths (no /v1 prefix).
  const managementRoutes = new Map<string, Handler>([
    ['POST /key/generate', (ctx) => management.generate(ctx)],
    ['POST /key/update', (ctx) => management.update(ctx)],
    ['POST /key/delete', (ctx) => management.delete(ctx)],
    ['GET /key/list', (ctx) => management.list(ctx)],
    ['POST /key/block', (ctx) => management.setBlocked(ctx, true)],
    ['POST /key/unblock', (ctx) => management.setBlocked(ctx, false)],
    ['POST /key/regenerate', (ctx) => management.regenerate(ctx, null)],
    ['POST /v2/key/info', (ctx) => management.infoMany(ctx)],
    ['GET /spend/logs', (ctx) => management.spendLogs(ctx)],
    ['GET /global/spend', (ctx) => management.globalSpend(ctx)],
    ['GET /global/spend/keys', (ctx) => management.globalSpendKeys(ctx)],
    ['GET /health', (ctx) => sendHealth(ctx, table.router)],
    ['POST /model/new', (ctx) => modelManagement.add(ctx)],
    ['POST /model/update', (ctx) => modelManagement.update(ctx)],
    ['POST /model/delete', (ctx) => modelManagement.delete(ctx)],
  ]);
  // What is configured, in LiteLLM's shapes: any key may read it (tools ask with the key they
  // chat with); a virtual key sees only the models it may use.
  const modelInfoRoutes = new Map<string, Handler>([
    ['GET /model/info', (ctx) => modelManagement.info(ctx)],
    ['GET /v1/model/info', (ctx) => modelManagement.info(ctx)],
    ['GET /model_group/info', (ctx) => modelManagement.groupInfo(ctx)],
    ['GET /v1/model_group/info', (ctx) => modelManagement.groupInfo(ctx)],
    // A virtual key may ask about itself (scripts check their own budget that way); the master key about any.
    ['GET /key/info', (ctx) => management.info(ctx)],
    ['POST /key/health', (ctx) => management.health(ctx)],
  ]);
  const gemini: GeminiRouteDeps = {
    proxy: deps,
    auth,
    models: () => table.models,
    checkOpen: () => {
      if (app.paused) throw new GatewayError('unavailable', 'Loopgate is paused; resume it from the tray or the app.', { headers: { 'retry-after': '30' } });
    },
  };
  // Probes answer without a key; everything else may check one, so a throttled address waits.
  const probes = new Set([...publicRoutes.keys()].filter((route) => route !== 'GET /metrics'));

  // The master key, or a virtual key whose metadata grants "metrics"; or, if the config opens
  // it, any loopback client.
  function requireMetricsAccess(ctx: RequestContext): void {
    if (config.security.openMetricsOnLoopback && isLoopback(ctx.req)) return;
    const caller = auth.authenticate(ctx.req.headers);
    if (caller.kind === 'master') return;
    const permissions = caller.key.metadata.permissions;
    if (Array.isArray(permissions) && permissions.includes('metrics')) return;
    throw new GatewayError('permission', 'Reading /metrics needs the master key or a key whose metadata grants "permissions": ["metrics"].');
  }

  const REGENERATE_PATH = /^\/key\/([^/]+)\/regenerate$/;

  function managementHandler(method: string, path: string): Handler | null {
    const handler = managementRoutes.get(`${method} ${path}`);
    const regenerate = method === 'POST' ? REGENERATE_PATH.exec(path) : null;
    if (!handler && !regenerate) return null;
    return (ctx) => {
      auth.requireMaster(ctx.req.headers);
      ctx.caller = { kind: 'master' };
      return handler ? handler(ctx) : management.regenerate(ctx, decodePathPart(regenerate![1]!, 'key'));
    };
  }

  function resolve(method: string, path: string): Handler | null {
    const publicHandler = publicRoutes.get(`${method} ${path}`) ?? managementHandler(method, path);
    if (publicHandler) return publicHandler;
    const infoHandler = modelInfoRoutes.get(`${method} ${path}`);
    if (infoHandler) {
      return (ctx) => {
        ctx.caller = auth.authenticate(ctx.req.headers);
        return infoHandler(ctx);
      };
    }
    const geminiHandler = geminiRoute(gemini, method, path);
    if (geminiHandler) return geminiHandler;
    const apiPath = path.startsWith(`${V1_PREFIX}/`) ? path.slice(V1_PREFIX.length) : path;
    const handler =
      apiRoutes.get(`${method} ${apiPath}`) ??
      (method === 'GET' && apiPath.startsWith('/models/')
        ? (ctx: RequestContext) => retrieveModel(table.models, ctx, decodePathPart(apiPath.slice('/models/'.length), 'model name'))
        : null);
    if (handler) {
      return (ctx) => {
        // Anthropic clients read Anthropic-shaped errors, from the very first check on.
        if (apiPath.startsWith('/messages')) ctx.errorBody = anthropicDialect.errorBody;
        if (app.paused) throw new GatewayError('unavailable', 'Loopgate is paused; resume it from the tray or the app.', { headers: { 'retry-after': '30' } });
        ctx.caller = auth.authenticate(ctx.req.headers);
        return handler(ctx);
      };
    }
    if (apiPaths.has(apiPath)) {
      return () => {
        throw new GatewayError('invalid_request', `${method} is not allowed on ${path}.`, { status: 405 });
      };
    }
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
      headers: draining ? ['x-request-id', id, 'connection', 'close'] : ['x-request-id', id],
      caller: null,
      model: null,
      deployment: null,
      usage: null,
      stream: false,
      cached: false,
      callType: null,
      release: null,
      reservation: null,
      errorBody: openAIErrorBody,
      requestBody: null,
      responseBody: null,
      attempts: [],
      failure: null,
      responseId: null,
    };
    // Counted once the answer is closed and the handler has returned: a client that leaves
    // mid-stream ends the answer first, and its usage is known only when the relay has stopped.
    let open = 2;
    const done = (): void => {
      if (--open === 0) finish(ctx, started);
    };
    res.on('close', () => {
      if (!res.writableFinished) signal.abort();
      // Runs on the socket's event, outside the request's scope: a throw here would end the process.
      try {
        done();
      } catch (error) {
        logger.log('error', 'the request was not accounted', { id: ctx.id, error: stackOf(error) });
      }
    });
    applyBodyPolicy(req, bodies);
    // Whatever escapes (it never should) ends this request only: here, and through the process guard.
    const scope = { id, end: () => endAfterFault(ctx) };
    await runInRequest(scope, () =>
      serve(ctx)
        .catch((error: unknown) => {
          logger.log('error', 'unhandled', { id: ctx.id, error: stackOf(error) });
          endAfterFault(ctx);
        })
        .finally(done),
    );
  }

  async function serve(ctx: RequestContext): Promise<void> {
    const { req } = ctx;
    const address = req.socket.remoteAddress ?? '';
    try {
      // Before any routing: a page that rebound its own name to this address is refused here.
      if (!hosts.allowsHost(req.headers.host)) {
        throw new GatewayError('permission', 'Loopgate answers only to localhost, 127.0.0.1, [::1] and the names in general_settings.allowed_hosts.');
      }
      if (ctx.path === '/ui' || ctx.path.startsWith('/ui/')) {
        adoptAnswerHeaders(ctx);
        return await handleUi(ui, ctx);
      }
      const method = req.method ?? 'GET';
      const handler = resolve(method, ctx.path);
      if (!handler) throw new GatewayError('not_found', `No route for ${method} ${ctx.path}.`);
      if (!probes.has(`${method} ${ctx.path}`)) {
        // A page's guesses are refused before they could count against every local client.
        refuseCrossSite(req, hosts);
        throttle.check(address);
      }
      await handler(ctx);
    } catch (thrown) {
      if (thrown instanceof WrongKeyError) throttle.fail(address);
      answerFailure(ctx, thrown);
    }
  }

  /** Says what went wrong in the client's dialect; never throws (if even that fails, the connection is closed). */
  function answerFailure(ctx: RequestContext, thrown: unknown): void {
    const { req, res } = ctx;
    try {
      const error = toGatewayError(fromStoreFailure(thrown), ctx.id);
      // The log gets the whole story (stack included); the answer only the request id.
      if (error.code === 'internal' && !(thrown instanceof GatewayError)) logger.log('error', 'unhandled', { id: ctx.id, error: stackOf(thrown) });
      ctx.failure ??= { code: error.code, message: error.message };
      // A body refused half-way is not read on: the connection closes after the answer.
      if (!req.complete && !res.headersSent) setAnswerHeader(ctx, 'connection', 'close');
      if (!res.headersSent) sendError(ctx, error);
      else res.end();
    } catch (failed) {
      logger.log('error', 'the error answer could not be written; the connection was closed', { id: ctx.id, error: stackOf(failed) });
      res.destroy();
    }
  }

  /** After a fault no handler caught: a 500 naming the request if nothing was sent yet, else the connection closes. */
  function endAfterFault(ctx: RequestContext): void {
    if (ctx.res.writableEnded || ctx.res.destroyed) return;
    if (ctx.res.headersSent) return void ctx.res.destroy();
    answerFailure(ctx, toGatewayError(null, ctx.id));
  }

  function finish(ctx: RequestContext, started: bigint): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = ctx.res.writableFinished ? ctx.res.statusCode : 499;
    ctx.release?.(ctx.usage?.totalTokens ?? 0);
    // Usage is accounted for every authenticated request that named a model, errors included.
    let cost = 0;
    if (ctx.caller && ctx.model !== null) {
      cost = accounting.record({
        id: ctx.id,
        time: clock(),
        keyId: ctx.caller.kind === 'virtual' ? ctx.caller.key.id : null,
        model: ctx.model,
        deployment: ctx.deployment,
        status,
        latencyMs: Math.round(seconds * 1e5) / 100,
        usage: ctx.usage,
        requestBody: ctx.requestBody,
        responseBody: ctx.responseBody,
        attempts: ctx.attempts,
        failure: ctx.failure,
        callType: ctx.callType,
        cacheHit: ctx.cached,
        client: clientName(ctx.req.headers['user-agent']),
        responseId: ctx.responseId,
      });
    }
    // The budgets' hold goes and the real cost counts (per model group, and across instances).
    ctx.reservation?.settle(cost);
    // Only configured names become label values, so a client cannot grow the metric set.
    const model = ctx.model !== null && table.configured.has(ctx.model) ? ctx.model : 'other';
    if (!publicRoutes.has(`${ctx.req.method} ${ctx.path}`)) metrics.record(model, status, seconds, ctx.usage);
    logger.log('info', 'request', {
      id: ctx.id,
      method: ctx.req.method,
      path: ctx.path,
      model: ctx.model,
      key: ctx.caller?.kind === 'virtual' ? ctx.caller.key.id : ctx.caller?.kind ?? null,
      deployment: ctx.deployment?.id ?? null,
      status,
      stream: ctx.stream,
      cache: ctx.cached ? 'hit' : undefined,
      latency_ms: Math.round(seconds * 1e5) / 100,
      prompt_tokens: ctx.usage?.promptTokens ?? null,
      completion_tokens: ctx.usage?.completionTokens ?? null,
      total_tokens: ctx.usage?.totalTokens ?? null,
    });
  }

  // Slow or idle clients cannot hold connections: the first byte, headers and bodies have
  // deadlines (answers, streams included, are bounded by the router's timeouts instead).
  const server = createServer(
    {
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    (req, res) => {
      if (connections.isRefused(req.socket)) return;
      handle(req, res).catch((error: unknown) => {
        logger.log('error', 'unhandled', { error: stackOf(error) });
        res.destroy();
      });
    },
  );
  const connections = new ConnectionTracker(server, limits, BUSY_RESPONSE);

  return {
    server,
    app,
    eventStreamStats: () => eventStreams.stats(),
    loginLink: () => `${listeningUrl?.origin ?? ''}/ui/login?token=${sessions.createLoginToken()}`,
    listen(port, host) {
      return new Promise((resolveListen, reject) => {
        server.once('error', reject);
        hosts = new HostGuard({ bindHost: host, allowedHosts: config.security.allowedHosts });
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          const url = new URL(`http://${shownHost}:${address.port}`);
          listeningUrl = url;
          void app.listening(url).then(() => resolveListen(url));
        });
      });
    },
    async close(graceMs = DEFAULT_GRACE_MS) {
      draining = true;
      // Event streams never finish on their own; pages reconnect to whoever listens next.
      eventStreams.closeAll();
      const closed = new Promise<void>((done) => server.close(() => done()));
      // Idle sockets (a browser's unused preconnect among them) close now, the others as their last answer finishes.
      connections.drain();
      const deadline = setTimeout(() => connections.destroyAll(), graceMs);
      await closed;
      clearTimeout(deadline);
    },
  };
}
