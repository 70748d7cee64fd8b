// Gateway owns the HTTP server: routing of paths, auth, the request log and metrics, health,
// and graceful shutdown. Everything it needs is prepared here, once, before it listens.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_VERSION } from '../../core/app-info.js';
import type { Environment, GatewayConfig } from '../../config/index.js';
import type { RandomSource } from '../../router/index.js';
import type { Store } from '../../store/index.js';
import { Accounting } from '../accounting/accounting.js';
import { Budgets } from '../access/budgets.js';
import { Authenticator } from '../access/auth.js';
import { AuthThrottle, WrongKeyError } from '../access/auth-throttle.js';
import { applyBodyPolicy, bodyPolicy } from './body.js';
import { clientName } from '../accounting/client-name.js';
import { ConnectionTracker } from './connections.js';
import { HostGuard } from './host-guard.js';
import { adoptAnswerHeaders, decodePathPart, sendError, sendJson, setAnswerHeader, writeHead, type RequestContext, type RequestOutcome, type RouteHandler } from './context.js';
import { ClientSignal } from '../../core/client-signal.js';
import { runInRequest } from '../../core/request-scope.js';
import type { ApiHandlers } from '../../../shared/api.js';
import type { ErrorCode } from '../../../shared/errors.js';
import { anthropicDialect } from '../../dialects/anthropic/index.js';
import { apiHandlers, createServices, type LiveRouting } from '../../services/index.js';
import { loadEffectiveRouting } from '../../services/effective-routing.js';
import { chatDialect } from '../../dialects/chat/index.js';
import { completionsDialect, embeddingsDialect, imagesDialect, moderationsDialect } from '../../dialects/openai-native.js';
import { ConversationStore } from '../../dialects/responses/conversations.js';
import { createResponsesDialect } from '../../dialects/responses/index.js';
import { countTokens } from '../inference/count-tokens.js';
import { geminiRoute, type GeminiRouteDeps } from '../inference/gemini-routes.js';
import { GatewayError, toGatewayError } from '../../core/errors.js';
import { errorBodyFor } from '../../dialects/error-bodies.js';
import { RateLimiter } from '../access/limits.js';
import type { Logger } from '../../core/logger.js';
import { ManagementApi } from '../admin/litellm-keys.js';
import { ModelManagementApi } from '../admin/litellm-models.js';
import { GatewayMetrics } from '../accounting/metrics.js';
import { listModels, retrieveModel } from '../inference/openai-models.js';
import { playground } from '../inference/playground.js';
import { proxy, type ProxyDeps } from '../inference/proxy.js';
import { RoutingTable } from '../inference/routing-table.js';
import { handleUi, isLoopback, UiSessions, type UiDeps } from '../admin/ui-api.js';
import { DEFAULT_HEARTBEAT_MS, EventStreams } from '../admin/ui-events.js';
import type { AppEvents } from '../../services/index.js';
import { HealthChecker, readinessBody, sendHealth } from '../inference/health.js';
import { Pricing } from '../accounting/pricing.js';
import { UpstreamPools } from '../inference/upstream.js';
import { KeyCache } from '../access/virtual-keys.js';
import { RedisSharing } from '../redis/index.js';
import { InstanceHeartbeat } from '../redis/heartbeat.js';
import { refuseCrossSite } from './cross-site.js';

export interface GatewayOptions {
  config: GatewayConfig;
  /** The key `/v1` callers must present (config, env, or the data dir's generated key). */
  masterKey: string;
  logger: Logger;
  store: Store;
  random?: RandomSource;
  clock?: () => number;
  /** The built renderer served at /ui; null leaves the admin UI off. */
  uiDir?: string | null;
  dataDir?: string;
  version?: string;
  /** Where `os.environ/NAME` in an imported config looks; the process's environment by default. */
  env?: Environment;
  /** How often /ui/events sends a heartbeat (and checks the session). */
  eventHeartbeatMs?: number;
  /** How often a team server instance writes its heartbeat, and when an unwritten one expires (redis/heartbeat.ts). */
  instanceHeartbeat?: { intervalMs: number; expiryMs: number };
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
  readonly accounting: Accounting;
  /** The shared API, for the Electron IPC binding. */
  readonly api: ApiHandlers;
  /** The app's events (shared/events.ts), for the Electron IPC binding; /ui/events streams them too. */
  readonly events: AppEvents;
  /** What each open /ui/events stream holds in memory (bounded; see ui-events.ts). */
  eventStreamStats(): Array<{ queued: number; buffered: number }>;
  /** A one-time link that opens the admin UI already signed in (what `npm start` opens). */
  loginLink(): string;
  /** Paused, model routes answer 503 until resumed; the admin UI keeps working. */
  setPaused(paused: boolean): void;
  readonly paused: boolean;
  listen(port: number, host: string): Promise<URL>;
  /** Stops accepting, closes idle connections at once, lets in-flight requests finish (up to `graceMs`), flushes usage, closes upstreams. */
  close(graceMs?: number): Promise<void>;
}

type Handler = RouteHandler;

/** How long a request's in-flight slot in Redis outlives a crash of its instance: twice the longest request timeout, and a minute. */
function slotLifetimeMs(config: GatewayConfig): number {
  const longest = Math.max(config.timeouts.requestMs, config.timeouts.streamMs ?? 0, ...config.deployments.map((deployment) => deployment.timeoutMs));
  return 2 * longest + 60_000;
}

const V1_PREFIX = '/v1';
const DEFAULT_GRACE_MS = 30_000;
const BUSY_BODY = JSON.stringify({ error: { message: 'Loopgate has too many open connections; retry shortly.', type: 'api_error', param: null, code: 'unavailable' } });
const BUSY_RESPONSE = `HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(BUSY_BODY)}\r\nretry-after: 1\r\nconnection: close\r\n\r\n${BUSY_BODY}`;

/** A thrown value for the log: its stack when it has one. */
function stackOf(thrown: unknown): string {
  return thrown instanceof Error ? (thrown.stack ?? String(thrown)) : String(thrown);
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger, store } = options;
  let paused = false;
  const clock = options.clock ?? Date.now;
  const pricing = new Pricing();
  const random = options.random ?? Math.random;
  // A team server shares limits, cooldowns, the cache and change events through Redis (redis/).
  const redis = config.redis ? await RedisSharing.connect(config.redis, logger, slotLifetimeMs(config)) : null;
  // Each change travels one way only. PostgreSQL tells the other instances of its own commits
  // (LISTEN/NOTIFY, store/pg/change-feed.ts: per key, re-read in full after a lost connection);
  // Redis then carries cooldowns only. A store without a feed of its own has Redis carry its changes too.
  const storeChangesOverRedis = redis !== null && store.kind !== 'postgres' ? redis : null;
  const table = await RoutingTable.load(
    { random, clock, costPerToken: (deployment) => pricing.perToken(deployment), ...(redis ? { cooldowns: redis.cooldowns } : {}) },
    () => loadEffectiveRouting(store, config, logger),
  );
  // Changes to providers, models and routing settings take effect on the next request; the
  // services' own refresh after the same write shares this rebuild.
  const rebuild = (): void => {
    storeChangesOverRedis?.routingChanged();
    table.refresh().catch((error: unknown) => logger.log('error', `routing was not rebuilt: ${String(error)}`));
  };
  store.deployments.onChange(rebuild);
  store.routing.onChange(rebuild);
  const pools = new UpstreamPools(config.deployments);
  const keyCache = new KeyCache(await store.keys.loadAllForAuth(), store.keys);
  if (redis) table.cache.shared = redis.cache;
  if (storeChangesOverRedis) store.keys.onChange(() => storeChangesOverRedis.keysChanged());
  const auth = new Authenticator(options.masterKey, keyCache, clock);
  const limits: NetworkLimits = { ...NETWORK_DEFAULTS, ...options.network };
  const throttle = new AuthThrottle(limits.authFailures, limits.authWindowMs, clock);
  const bodies = bodyPolicy(config.security.maxBodyBytes, limits.bodyBudgetBytes);
  // Set again by listen(), which knows the bound address.
  let hosts = new HostGuard({ allowedHosts: config.security.allowedHosts });
  const metrics = new GatewayMetrics();
  const limiter = new RateLimiter(clock, redis?.limits ?? null);
  // The live log hears of each counted request (services exist by the first request).
  const accounting = new Accounting(
    store,
    keyCache,
    pricing,
    { storeBodies: config.storeBodies, pruneLog: () => services.usage.applyRetention() },
    logger,
    (entry) => services.events.requestLogged(entry),
  );
  const budgets = new Budgets({
    pricing,
    shared: redis?.spend ?? null,
    keys: keyCache,
    resetBudget: (keyId, next) => store.keys.resetBudget(keyId, next),
    flushUsage: () => void accounting.flush(),
    logger,
    clock,
  });
  const deps: ProxyDeps = {
    router: table.router,
    pools,
    limiter,
    budgets,
    logger,
    storeBodies: config.storeBodies,
    cache: table.cache,
    random,
  };
  const healthChecks = config.healthCheckIntervalMs ? new HealthChecker(table.router, pools, logger, config.healthCheckIntervalMs) : null;
  const responsesDialect = createResponsesDialect(new ConversationStore(clock));
  let listeningUrl: URL | null = null;
  const routing: LiveRouting = {
    current: () => table.current,
    health: () => table.router.health(),
    modelNames: () => table.router.modelNames(),
    refresh: () => {
      storeChangesOverRedis?.routingChanged();
      return table.refresh();
    },
    rebuilt: () => table.refresh(),
  };
  const services = createServices({
    store,
    config,
    routing,
    usage: accounting,
    env: options.env ?? process.env,
    baseUrl: () => listeningUrl?.origin ?? '',
    paused: () => paused,
    logger,
    dataDir: options.dataDir ?? '',
    version: options.version ?? APP_VERSION,
    clock,
    instances: async () => (heartbeat ? heartbeat.view() : null),
  });
  // A team server's instances show each other in the Overview (heartbeats in Redis).
  const heartbeat = redis
    ? new InstanceHeartbeat({
        registry: redis.instances,
        self: { id: redis.instanceId, version: options.version ?? APP_VERSION, startedAt: clock(), store: store.kind },
        redisState: () => (redis.degraded ? 'unavailable' : 'connected'),
        ...options.instanceHeartbeat,
        clock,
        logger,
        membershipChanged: () => services.events.statusChanged(),
      })
    : null;
  const api = apiHandlers(services);
  await redis?.follow({
    router: table.router,
    storeChanges: storeChangesOverRedis !== null,
    reloadKeys: async () => {
      keyCache.replaceAll(await store.keys.loadAllForAuth());
      services.events.changed('keys');
    },
    reloadRouting: async () => {
      await table.refresh();
      for (const topic of ['providers', 'models', 'routing'] as const) services.events.changed(topic);
    },
  });
  const management = new ManagementApi(services);
  const modelManagement = new ModelManagementApi(services);
  const sessions = new UiSessions(clock);
  const eventStreams = new EventStreams({ events: services.events, heartbeatMs: options.eventHeartbeatMs ?? DEFAULT_HEARTBEAT_MS, clock });
  const ui: UiDeps = {
    sessions,
    auth,
    api,
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
      redis: redis ? (redis.degraded ? 'unavailable' : 'connected') : null,
      databaseAvailable: accounting.writes.available,
      databaseIsServer: store.kind === 'postgres',
      queuedLogRows: accounting.writes.queuedRows,
      cache: table.cache.enabled ? (table.cache.shared ? 'redis' : 'local') : null,
      version: options.version ?? APP_VERSION,
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
      if (paused) throw new GatewayError('unavailable', 'Loopgate is paused; resume it from the tray or the app.', { headers: { 'retry-after': '30' } });
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
        if (apiPath.startsWith('/messages')) ctx.errorBody = errorBodyFor('anthropic');
        if (paused) throw new GatewayError('unavailable', 'Loopgate is paused; resume it from the tray or the app.', { headers: { 'retry-after': '30' } });
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
        logger.log('error', 'the request was not accounted', { id: ctx.id, error: stackOf(error) });
      }
    });
    applyBodyPolicy(req, bodies);
    // Whatever escapes (it never should) ends this request only: here, and through the process guard.
    const scope = { id, end: () => endAfterFault(ctx) };
    await runInRequest(scope, () =>
      serve(ctx)
        .then((returned) => {
          outcome = returned;
        })
        .catch((error: unknown) => {
          logger.log('error', 'unhandled', { id: ctx.id, error: stackOf(error) });
          endAfterFault(ctx);
        })
        .finally(done),
    );
  }

  /** Runs the route; a model route's outcome comes back for finish(), with what its client was told went wrong. */
  async function serve(ctx: RequestContext): Promise<RequestOutcome | null> {
    const { req } = ctx;
    const address = req.socket.remoteAddress ?? '';
    let outcome: RequestOutcome | null = null;
    try {
      // Before any routing: a page that rebound its own name to this address is refused here.
      if (!hosts.allowsHost(req.headers.host)) {
        throw new GatewayError('permission', 'Loopgate answers only to localhost, 127.0.0.1, [::1] and the names in general_settings.allowed_hosts.');
      }
      if (ctx.path === '/ui' || ctx.path.startsWith('/ui/')) {
        adoptAnswerHeaders(ctx);
        outcome = (await handleUi(ui, ctx)) ?? null;
        return outcome?.error ? failed(ctx, outcome.error, outcome) : outcome;
      }
      const method = req.method ?? 'GET';
      const handler = resolve(method, ctx.path);
      if (!handler) throw new GatewayError('not_found', `No route for ${method} ${ctx.path}.`);
      if (!probes.has(`${method} ${ctx.path}`)) {
        // A page's guesses are refused before they could count against every local client.
        refuseCrossSite(req, hosts);
        throttle.check(address);
      }
      outcome = (await handler(ctx)) ?? null;
      return outcome?.error ? failed(ctx, outcome.error, outcome) : outcome;
    } catch (thrown) {
      if (thrown instanceof WrongKeyError) throttle.fail(address);
      return failed(ctx, thrown, outcome);
    }
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
      if (error.code === 'internal' && !(thrown instanceof GatewayError)) logger.log('error', 'unhandled', { id: ctx.id, error: stackOf(thrown) });
      // A body refused half-way is not read on: the connection closes after the answer.
      if (!req.complete && !res.headersSent) setAnswerHeader(ctx, 'connection', 'close');
      if (!res.headersSent) sendError(ctx, error);
      else res.end();
      return { code: error.code, message: error.message };
    } catch (failed) {
      logger.log('error', 'the error answer could not be written; the connection was closed', { id: ctx.id, error: stackOf(failed) });
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
    const status = ctx.res.writableFinished ? ctx.res.statusCode : 499;
    const usage = outcome?.usage ?? null;
    const model = outcome?.model ?? null;
    outcome?.hold?.release?.(usage?.totalTokens ?? 0);
    // Usage is accounted for every authenticated request that named a model, errors included.
    let cost = 0;
    if (ctx.caller && outcome && model !== null) {
      cost = accounting.record({
        id: ctx.id,
        time: clock(),
        keyId: ctx.caller.kind === 'virtual' ? ctx.caller.key.id : null,
        model,
        deployment: outcome.deployment,
        status,
        latencyMs: Math.round(seconds * 1e5) / 100,
        usage,
        requestBody: outcome.requestBody,
        responseBody: outcome.responseBody,
        attempts: outcome.attempts,
        failure: outcome.failure,
        callType: outcome.callType,
        cacheHit: outcome.cached,
        client: clientName(ctx.req.headers['user-agent']),
        responseId: outcome.responseId,
      });
    }
    // The budgets' hold goes and the real cost counts (per model group, and across instances).
    outcome?.hold?.reservation?.settle(cost);
    // Only configured names become label values, so a client cannot grow the metric set.
    const label = model !== null && table.configured.has(model) ? model : 'other';
    if (!publicRoutes.has(`${ctx.req.method} ${ctx.path}`)) metrics.record(label, status, seconds, usage);
    logger.log('info', 'request', {
      id: ctx.id,
      method: ctx.req.method,
      path: ctx.path,
      model,
      key: ctx.caller?.kind === 'virtual' ? ctx.caller.key.id : ctx.caller?.kind ?? null,
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

  accounting.start();
  budgets.start();
  healthChecks?.start();
  return {
    server,
    accounting,
    api,
    events: services.events,
    eventStreamStats: () => eventStreams.stats(),
    loginLink: () => `${listeningUrl?.origin ?? ''}/ui/login?token=${sessions.createLoginToken()}`,
    setPaused(value) {
      if (paused === value) return;
      paused = value;
      services.events.statusChanged();
    },
    get paused() {
      return paused;
    },
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
          void (heartbeat?.start(url.host) ?? Promise.resolve()).then(() => resolveListen(url));
        });
      });
    },
    async close(graceMs = DEFAULT_GRACE_MS) {
      draining = true;
      // Event streams never finish on their own; pages reconnect to whoever listens next.
      eventStreams.closeAll();
      services.events.close();
      const closed = new Promise<void>((done) => server.close(() => done()));
      // Idle sockets (a browser's unused preconnect among them) close now, the others as their last answer finishes.
      connections.drain();
      const deadline = setTimeout(() => connections.destroyAll(), graceMs);
      await closed;
      clearTimeout(deadline);
      healthChecks?.stop();
      budgets.stop();
      await heartbeat?.stop();
      await accounting.stop();
      await pools.close();
      await redis?.close();
      await logger.flush();
    },
  };
}
