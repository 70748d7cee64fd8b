// Routes that answer without a key: probes (clients, load balancers, orchestrators) and the
// Prometheus scrape, which has an access rule of its own.
import type { GatewayMetrics } from '../accounting/metrics.js';
import { readinessBody } from '../inference/health.js';
import { sendJson, writeHead } from './context.js';
import type { GatewayApp } from './gateway-app.js';
import type { Route } from './routes.js';

export interface PublicDeps {
  app: GatewayApp;
  /** Closing: readiness says so, and load balancers stop sending. */
  draining: () => boolean;
  metrics: GatewayMetrics;
}

/** Degraded, not down: traffic flows without Redis (per-instance limits) and without the database (writes queued). */
function readiness({ app, draining }: PublicDeps): ReturnType<typeof readinessBody> {
  const { table, accounting } = app;
  return readinessBody({
    draining: draining(),
    models: table.configured.size,
    redis: app.redis ? (app.redis.degraded ? 'unavailable' : 'connected') : null,
    databaseAvailable: accounting.writes.available,
    databaseIsServer: app.store.kind === 'postgres',
    queuedLogRows: accounting.writes.queuedRows,
    cache: table.cache.enabled ? (table.cache.shared ? 'redis' : 'local') : null,
    version: app.version,
  });
}

const PROBE = { access: 'public', errors: 'openai', pausable: false, probe: true } as const;

export const PUBLIC_ROUTES: readonly Route<PublicDeps>[] = [
  // Clients (Claude Code among them) probe the base URL before their first call.
  { method: 'GET', path: '/', ...PROBE, handle: (ctx) => sendJson(ctx, 200, '{"name":"Loopgate","status":"ok"}') },
  { method: 'HEAD', path: '/', ...PROBE, handle: (ctx) => sendJson(ctx, 200, '') },
  { method: 'GET', path: '/health/liveliness', ...PROBE, handle: (ctx) => sendJson(ctx, 200, '{"status":"alive"}') },
  { method: 'GET', path: '/health/liveness', ...PROBE, handle: (ctx) => sendJson(ctx, 200, '{"status":"alive"}') },
  {
    method: 'GET',
    path: '/health/readiness',
    ...PROBE,
    handle: (ctx, deps) => {
      const { status, body } = readiness(deps);
      sendJson(ctx, status, JSON.stringify(body));
    },
  },
  {
    method: 'GET',
    path: '/metrics',
    access: 'metrics',
    errors: 'openai',
    pausable: false,
    handle: async (ctx, deps) => {
      const body = await deps.metrics.render();
      writeHead(ctx, 200, { 'content-type': deps.metrics.registry.contentType });
      ctx.res.end(body);
    },
  },
];
