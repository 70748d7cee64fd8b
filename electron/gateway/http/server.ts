// The HTTP gateway: the listener over what the composition root built (app/index.ts). Routes
// are rows (routes.ts and the rows next to their audience), dispatch.ts applies them, and
// requests.ts carries one request from its context to its log line.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthThrottle } from '../access/auth-throttle.js';
import { GatewayMetrics } from '../accounting/metrics.js';
import { ManagementApi } from '../admin/litellm-keys.js';
import { LITELLM_ROUTES } from '../admin/litellm-routes.js';
import { ModelManagementApi } from '../admin/litellm-models.js';
import { UiSessions, type UiDeps } from '../admin/ui-api.js';
import { DEFAULT_HEARTBEAT_MS, EventStreams } from '../admin/ui-events.js';
import { UI_ROUTES } from '../admin/ui-routes.js';
import { playground } from '../inference/playground.js';
import { INFERENCE_ROUTES } from '../inference/routes.js';
import { ConversationStore } from '../../dialects/responses/conversations.js';
import { createResponsesDialect } from '../../dialects/responses/index.js';
import { bodyPolicy } from './body.js';
import { answerClientErrors } from './client-errors.js';
import { ConnectionTracker } from './connections.js';
import type { GatewayApp } from './gateway-app.js';
import { HostGuard } from './host-guard.js';
import { MCP_ROUTES } from './mcp-routes.js';
import { PUBLIC_ROUTES } from './public-routes.js';
import { requestHandler } from './requests.js';
import { bindRoutes, unmeteredRoutes } from './routes.js';

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

const DEFAULT_GRACE_MS = 30_000;
const BUSY_BODY = JSON.stringify({ error: { message: 'Loopgate has too many open connections; retry shortly.', type: 'api_error', param: null, code: 'unavailable' } });
const BUSY_RESPONSE = `HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(BUSY_BODY)}\r\nretry-after: 1\r\nconnection: close\r\n\r\n${BUSY_BODY}`;

export function createGateway(app: GatewayApp, options: GatewayOptions = {}): Gateway {
  const { config, logger, clock, table, accounting } = app;
  const limits: NetworkLimits = { ...NETWORK_DEFAULTS, ...options.network };
  const throttle = new AuthThrottle(limits.authFailures, limits.authWindowMs, clock);
  // Set again by listen(), which knows the bound address.
  let hosts = new HostGuard({ allowedHosts: config.security.allowedHosts });
  let listeningUrl: URL | null = null;
  let draining = false;
  const metrics = new GatewayMetrics();
  const sessions = new UiSessions(clock);
  const eventStreams = new EventStreams({ events: app.events, heartbeatMs: options.eventHeartbeatMs ?? DEFAULT_HEARTBEAT_MS, clock });
  const ui: UiDeps = { sessions, auth: app.auth, api: app.api, uiDir: options.uiDir ?? null, playground: (ctx) => playground(app.proxy, ctx), eventStreams, throttle, hosts: () => hosts, logger };
  // In order: the first row for a path wins (Gemini's `/v1/models/x:generateContent` before `/v1/models/{id}`).
  const routes = [
    ...bindRoutes(PUBLIC_ROUTES, { app, draining: () => draining, metrics }),
    ...bindRoutes(LITELLM_ROUTES, { keys: new ManagementApi(app.services), models: new ModelManagementApi(app.services), routing: app.services.routing, config: app.services.config }),
    ...bindRoutes(INFERENCE_ROUTES, { proxy: app.proxy, models: () => table.models, responses: createResponsesDialect(new ConversationStore(clock)) }),
    ...bindRoutes(MCP_ROUTES, { hub: app.mcp, version: app.version, limiter: app.proxy.limiter, accounting, capture: app.proxy.capture, clock }),
    ...bindRoutes(UI_ROUTES, ui),
  ];
  const handle = requestHandler({
    dispatch: { routes, auth: app.auth, throttle, hosts: () => hosts, paused: () => app.paused, openMetricsOnLoopback: config.security.openMetricsOnLoopback, ui },
    logger,
    clock,
    accounting,
    metrics,
    unmetered: unmeteredRoutes(routes),
    configured: () => table.configured,
    bodies: bodyPolicy(config.security.maxBodyBytes, limits.bodyBudgetBytes),
    draining: () => draining,
  });
  // Slow or idle clients cannot hold connections: the first byte, headers and bodies have
  // deadlines (answers, streams included, are bounded by the router's timeouts instead).
  const server = createServer(
    { keepAliveTimeout: limits.keepAliveTimeoutMs, headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs },
    (req, res) => {
      if (connections.isRefused(req.socket)) return;
      handle(req, res);
    },
  );
  const connections = new ConnectionTracker(server, limits, BUSY_RESPONSE);
  answerClientErrors(server);
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
          listeningUrl = new URL(`http://${shownHost}:${address.port}`);
          void app.listening(listeningUrl).then(() => resolveListen(listeningUrl!));
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
