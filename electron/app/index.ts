// The composition root: everything that depends on the store is built here, once (pricing,
// Redis sharing, the routing table, upstream pools, keys, limits, budgets, accounting, the
// services and their events, a team server's heartbeat, health checks). The adapters receive
// what they need: the HTTP gateway (gateway/http/server.ts), the Electron IPC and the CLI.
import { APP_VERSION } from '../core/app-info.js';
import { OFFLINE_TIMING_DEFAULTS, type Environment, type GatewayConfig } from '../config/index.js';
import type { Logger } from '../core/logger.js';
import type { RandomSource } from '../router/index.js';
import type { Store } from '../store/index.js';
import { apiHandlers, createServices, type LiveRouting, type Services } from '../services/index.js';
import { loadEffectiveRouting } from '../services/effective-routing.js';
import { Accounting } from '../gateway/accounting/accounting.js';
import { Pricing } from '../gateway/accounting/pricing.js';
import { Authenticator } from '../gateway/access/auth.js';
import { Budgets } from '../gateway/access/budgets.js';
import { RateLimiter } from '../gateway/access/limits.js';
import { KeyCache } from '../gateway/access/virtual-keys.js';
import { HealthChecker } from '../gateway/inference/health.js';
import type { ProxyDeps } from '../gateway/inference/proxy.js';
import { REPLAY_OF_HEADER, type LiveCapture } from '../gateway/accounting/capture.js';
import { GatewayError } from '../core/errors.js';
import { RoutingTable } from '../gateway/inference/routing-table.js';
import { explainRoute } from '../gateway/inference/route-explain.js';
import { createResponsesDialect } from '../dialects/responses/index.js';
import { ConversationStore } from '../dialects/responses/conversations.js';
import { answersAtAll, UpstreamPools } from '../gateway/inference/upstream.js';
import { ConnectivityMonitor } from '../gateway/inference/offline.js';
import { SecretGuard } from '../gateway/inference/secret-guard.js';
import { RedisSharing } from '../gateway/redis/index.js';
import { createTracing, tracesEndpoint } from '../gateway/accounting/tracing.js';
import { InstanceHeartbeat } from '../gateway/redis/heartbeat.js';
import type { GatewayApp } from '../gateway/http/gateway-app.js';
import { McpHub } from '../mcp/hub.js';
import type { SystemProxy } from '../core/system-proxy.js';

export interface AppOptions {
  config: GatewayConfig;
  /** The key `/v1` callers must present (config, env, or the data dir's generated key). */
  masterKey: string;
  logger: Logger;
  store: Store;
  random?: RandomSource;
  clock?: () => number;
  dataDir?: string;
  version?: string;
  /** Where `os.environ/NAME` in an imported config looks; the process's environment by default. */
  env?: Environment;
  /** Trust the operating system's certificate store for upstream TLS too (the desktop app). */
  systemCertificates?: boolean;
  /** The operating system's proxy per upstream origin (the desktop app: Electron's resolveProxy). */
  systemProxy?: SystemProxy | null;
  /** How often a team server instance writes its heartbeat, and when an unwritten one expires (redis/heartbeat.ts). */
  instanceHeartbeat?: { intervalMs: number; expiryMs: number };
  /** Tests: how often alerts look at health, and the webhook's backoff (services/alerts/). */
  alertTiming?: { sweepMs?: number; webhookBackoffMs?: (tries: number) => number };
}

/** What the adapters share: the services (IPC, CLI, /ui/api, LiteLLM routes) and the request pipeline's parts (HTTP). */
/** The offline fallback switched (router_settings.offline_fallback): the cloud origin that was lost or answers again, and the local group. */
export interface ConnectivityChange {
  state: 'offline' | 'online';
  origin: string;
  group: string;
}

export interface App extends GatewayApp {
  readonly store: Store;
  setPaused(paused: boolean): void;
  /** Tells `listener` each time the offline fallback switches (the desktop app notifies); returns what stops it. */
  onConnectivity(listener: (change: ConnectivityChange) => void): () => void;
  /** Stops what runs in the background, flushes usage, closes upstreams and Redis (not the store). */
  close(): Promise<void>;
}

/** How long a request's in-flight slot in Redis outlives a crash of its instance: twice the longest request timeout, and a minute. */
function slotLifetimeMs(config: GatewayConfig): number {
  const longest = Math.max(config.timeouts.requestMs, config.timeouts.streamMs ?? 0, ...config.deployments.map((deployment) => deployment.timeoutMs));
  return 2 * longest + 60_000;
}

/** A replay goes through the gateway's own HTTP routes as the master key would, so it is admitted, routed and logged like any request. */
const sendAsMaster = async (url: URL | null, masterKey: string, request: { path: string; body: string; replayOf: string }, timeoutMs: number) => {
  if (!url) throw new GatewayError('unavailable', 'The gateway is not listening yet.');
  const answer = await fetch(new URL(request.path, url), {
    method: 'POST',
    headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json', [REPLAY_OF_HEADER]: request.replayOf },
    body: request.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: answer.status, body: await answer.text(), requestId: answer.headers.get('x-request-id') ?? '' };
};

export async function createApp(options: AppOptions): Promise<App> {
  const { config, logger, store } = options;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const version = options.version ?? APP_VERSION;
  const pricing = new Pricing();
  // A team server shares limits, cooldowns, the cache and change events through Redis (redis/).
  const redis = config.redis ? await RedisSharing.connect(config.redis, logger, slotLifetimeMs(config)) : null;
  // Each change travels one way only. PostgreSQL tells the other instances of its own commits
  // (LISTEN/NOTIFY, store/pg/change-feed.ts: per key, re-read in full after a lost connection);
  // Redis then carries cooldowns only. A store without a feed of its own has Redis carry its changes too.
  const storeChangesOverRedis = redis !== null && store.kind !== 'postgres' ? redis : null;
  const table = await RoutingTable.load({ random, clock, costPerToken: (deployment) => pricing.perToken(deployment), ...(redis ? { cooldowns: redis.cooldowns } : {}) }, () => loadEffectiveRouting(store, config, logger));
  // Changes to providers, models and routing settings take effect on the next request; the
  // services' own refresh after the same write shares this rebuild.
  const rebuild = (): void => {
    storeChangesOverRedis?.routingChanged();
    table
      .refresh()
      .then(() => askSystemProxy())
      .catch((error: unknown) => logger.log('error', `routing was not rebuilt: ${String(error)}`));
  };
  // The OS answers asynchronously: asked for every deployment before the first call, and again after each change.
  const askSystemProxy = async (): Promise<void> => options.systemProxy?.resolve(table.current.input.deployments.map((deployment) => deployment.apiBase.origin));
  await askSystemProxy();
  store.deployments.onChange(rebuild);
  store.routing.onChange(rebuild);
  const pools = new UpstreamPools(config.deployments, { env: options.env ?? process.env, caCerts: config.caCerts, systemCertificates: options.systemCertificates ?? false, systemProxy: options.systemProxy ?? null });
  const keyCache = new KeyCache(await store.keys.loadAllForAuth(), store.keys);
  if (redis) table.cache.shared = redis.cache;
  if (storeChangesOverRedis) store.keys.onChange(() => storeChangesOverRedis.keysChanged());

  // Accounting and the heartbeat tell the services' events and retention of what happened; the
  // services read usage and instances back from them: the two are wired to each other after both exist.
  const late: { services: Services | null } = { services: null };
  // The app's capture setting, read by every request; the services set it from the stored setting.
  const capture: LiveCapture = { mode: config.capture };
  const accounting = new Accounting(store, keyCache, pricing, { pruneLog: () => late.services?.usage.applyRetention() ?? Promise.resolve(0) }, logger, (entry) => {
    late.services?.events.requestLogged(entry);
    // An alert that cannot be worked out must not cost the request its accounting.
    try {
      late.services?.alerts.engine.requestCounted(entry);
    } catch (error) {
      logger.log('error', `alerts could not read a request: ${String(error)}`, { id: entry.id });
    }
  });
  const budgets = new Budgets({
    pricing,
    shared: redis?.spend ?? null,
    keys: keyCache,
    resetBudget: (keyId, next) => store.keys.resetBudget(keyId, next),
    flushUsage: () => void accounting.flush(),
    logger,
    clock,
  });
  const heartbeat = redis
    ? new InstanceHeartbeat({
        registry: redis.instances,
        self: { id: redis.instanceId, version, startedAt: clock(), store: store.kind },
        redisState: () => (redis.degraded ? 'unavailable' : 'connected'),
        ...options.instanceHeartbeat,
        clock,
        logger,
        membershipChanged: () => late.services?.events.statusChanged(),
      })
    : null;
  let paused = false;
  let listeningUrl: URL | null = null;
  // The route test counts a Responses prompt through a dialect of its own (it keeps no conversations that matter).
  const explainDeps = { router: table.router, routes: () => table.routes, keys: keyCache, responses: createResponsesDialect(new ConversationStore(clock)) };
  const routing: LiveRouting = {
    current: () => table.current,
    health: () => table.router.health(),
    keyHealth: (pool) => table.router.keyHealth(pool),
    modelNames: () => table.router.modelNames(),
    refresh: () => {
      storeChangesOverRedis?.routingChanged();
      return table.refresh();
    },
    rebuilt: () => table.refresh(),
    explain: (request) => explainRoute(explainDeps, request),
  };
  // MCP servers start on first use (mcp/upstream.ts), so building the hub starts nothing; the app's servers join it below.
  const mcp = new McpHub(config.mcpServers, logger, { clientVersion: version });
  const services = createServices({
    store,
    config,
    routing,
    usage: accounting,
    env: options.env ?? process.env,
    systemProxy: options.systemProxy ?? null,
    baseUrl: () => listeningUrl?.origin ?? '',
    paused: () => paused,
    logger,
    dataDir: options.dataDir ?? '',
    version,
    clock,
    instances: async () => (heartbeat ? heartbeat.view() : null),
    capture,
    sendAsMaster: (request) => sendAsMaster(listeningUrl, options.masterKey, request, slotLifetimeMs(config)),
    alertSources: {
      key: (id) => keyCache.get(id) ?? null,
      health: () => table.router.health(),
      databaseAvailable: () => accounting.writes.available,
      redisAvailable: () => (redis ? !redis.degraded : null),
    },
    mcp,
    upstream: (deployment) => pools.dispatcherFor(deployment),
    ...(options.alertTiming ? { alertTiming: options.alertTiming } : {}),
  });
  late.services = services;
  await services.mcp.apply();
  await services.usage.syncCapture();
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
  const limiter = new RateLimiter(clock, redis?.limits ?? null);
  const tracing = await createTracing(tracesEndpoint(options.env ?? process.env, config.otelEndpoint), version);
  const connectivityListeners = new Set<(change: ConnectivityChange) => void>();
  // The group is the routing settings' in force now (the app's, else the file's); the timing is the file's, else the defaults.
  const offlineTiming = config.offlineFallback ?? OFFLINE_TIMING_DEFAULTS;
  const offline = new ConnectivityMonitor({
    settings: () => {
      const group = table.current.settings.offlineFallback;
      return group === null ? null : { ...offlineTiming, group };
    },
    probe: (deployment) => answersAtAll(pools, deployment),
    clock,
    changed: (state, deployment) => {
      const group = offline.group ?? '';
      if (state === 'offline') logger.log('warn', `Offline: the cloud is unreachable (${deployment.apiBase.origin}); cloud models are served by "${group}" until it answers again.`);
      else logger.log('info', `Back online: ${deployment.apiBase.origin} answers again; cloud models are served by the cloud.`);
      services.events.statusChanged();
      for (const listener of connectivityListeners) listener({ state, origin: deployment.apiBase.origin, group });
    },
  });
  const proxy: ProxyDeps = {
    router: table.router,
    pools,
    limiter,
    budgets,
    logger,
    capture,
    cache: table.cache,
    random,
    tracing,
    routes: () => table.routes,
    webSearch: () => services.search.provider(),
    offline,
    // Made whatever the global mode: a key's metadata may switch the guard on for itself.
    secretGuard: new SecretGuard(config.secretGuard, logger),
  };
  const healthChecks = config.healthCheckIntervalMs ? new HealthChecker(table.router, pools, logger, config.healthCheckIntervalMs) : null;
  accounting.start();
  budgets.start();
  await services.alerts.start();
  healthChecks?.start();
  return {
    config,
    logger,
    store,
    clock,
    version,
    services,
    api: apiHandlers(services),
    events: services.events,
    accounting,
    auth: new Authenticator(options.masterKey, keyCache, clock),
    table,
    proxy,
    redis,
    mcp,
    onConnectivity(listener) {
      connectivityListeners.add(listener);
      return () => void connectivityListeners.delete(listener);
    },
    setPaused(value) {
      if (paused === value) return;
      paused = value;
      services.events.statusChanged();
    },
    get paused() {
      return paused;
    },
    async listening(url) {
      listeningUrl = url;
      await heartbeat?.start(url.host);
    },
    async close() {
      services.events.close();
      services.alerts.stop();
      healthChecks?.stop();
      offline.stop();
      budgets.stop();
      await mcp.close();
      await heartbeat?.stop();
      await accounting.stop();
      await tracing?.shutdown();
      await pools.close();
      await redis?.close();
      await logger.flush();
    },
  };
}
