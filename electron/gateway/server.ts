// Gateway owns the HTTP server: routing of paths, auth, the request log and metrics, health,
// and graceful shutdown. Everything it needs is prepared here, once, before it listens.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig } from '../config/index.js';
import { Router, type RandomSource } from '../router/index.js';
import { Authenticator } from './auth.js';
import { sendError, sendJson, type RequestContext } from './context.js';
import { GatewayError, toGatewayError } from './errors.js';
import type { Logger } from './log.js';
import { GatewayMetrics } from './metrics.js';
import { listModels, modelsIndex, proxyOpenAI, retrieveModel, type OpenAIRouteDeps } from './openai-routes.js';
import { UpstreamPools } from './upstream.js';

export interface GatewayOptions {
  config: GatewayConfig;
  /** The key `/v1` callers must present (config, env, or the data dir's generated key). */
  masterKey: string;
  logger: Logger;
  random?: RandomSource;
}

export interface Gateway {
  readonly server: Server;
  listen(port: number, host: string): Promise<URL>;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes upstreams. */
  close(graceMs?: number): Promise<void>;
}

type Handler = (ctx: RequestContext) => void | Promise<void>;

const V1_PREFIX = '/v1';
const DEFAULT_GRACE_MS = 30_000;

export function createGateway(options: GatewayOptions): Gateway {
  const { config, logger } = options;
  const router = new Router(config, options.random);
  const pools = new UpstreamPools(config.deployments);
  const auth = new Authenticator(options.masterKey);
  const metrics = new GatewayMetrics();
  const deps: OpenAIRouteDeps = { router, pools, ...modelsIndex(router, config.deployments) };
  const configuredModels = new Set(router.modelNames());
  let draining = false;

  // Public routes answer without a key: probes and scrapers do not carry one.
  const publicRoutes = new Map<string, Handler>([
    ['GET /health/liveliness', (ctx) => sendJson(ctx, 200, '{"status":"alive"}')],
    ['GET /health/liveness', (ctx) => sendJson(ctx, 200, '{"status":"alive"}')],
    [
      'GET /health/readiness',
      (ctx) =>
        draining
          ? sendJson(ctx, 503, '{"status":"draining"}')
          : sendJson(ctx, 200, JSON.stringify({ status: 'ready', models: configuredModels.size })),
    ],
    [
      'GET /metrics',
      async (ctx) => {
        const body = await metrics.render();
        ctx.res.writeHead(200, { 'content-type': metrics.registry.contentType });
        ctx.res.end(body);
      },
    ],
  ]);
  // API routes answer with and without the `/v1` prefix; the key is checked before the body is read.
  const apiRoutes = new Map<string, Handler>([
    ['GET /models', (ctx) => listModels(deps, ctx)],
    ['POST /chat/completions', (ctx) => proxyOpenAI(deps, 'chat', ctx)],
    ['POST /completions', (ctx) => proxyOpenAI(deps, 'completions', ctx)],
    ['POST /embeddings', (ctx) => proxyOpenAI(deps, 'embeddings', ctx)],
  ]);
  const apiPaths = new Set([...apiRoutes.keys()].map((key) => key.slice(key.indexOf(' ') + 1)));

  function resolve(method: string, path: string): Handler | null {
    const publicHandler = publicRoutes.get(`${method} ${path}`);
    if (publicHandler) return publicHandler;
    const apiPath = path.startsWith(`${V1_PREFIX}/`) ? path.slice(V1_PREFIX.length) : path;
    const handler =
      apiRoutes.get(`${method} ${apiPath}`) ??
      (method === 'GET' && apiPath.startsWith('/models/')
        ? (ctx: RequestContext) => retrieveModel(deps, ctx, decodeURIComponent(apiPath.slice('/models/'.length)))
        : null);
    if (handler) {
      return (ctx) => {
        auth.authenticate(ctx.req.headers);
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
    const abort = new AbortController();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const ctx: RequestContext = {
      id: randomUUID(),
      req,
      res,
      path: queryAt === -1 ? url : url.slice(0, queryAt),
      signal: abort.signal,
      model: null,
      deployment: null,
      usage: null,
      stream: false,
    };
    res.setHeader('x-request-id', ctx.id);
    if (draining) res.setHeader('connection', 'close');
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
      finish(ctx, started);
    });
    try {
      const handler = resolve(req.method ?? 'GET', ctx.path);
      if (!handler) throw new GatewayError('not_found', `No route for ${req.method} ${ctx.path}.`);
      await handler(ctx);
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (error.code === 'internal') logger.log('error', 'unhandled', { id: ctx.id, error: String(thrown) });
      if (!res.headersSent) sendError(ctx, error);
      else res.end();
    }
  }

  function finish(ctx: RequestContext, started: bigint): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = ctx.res.writableFinished ? ctx.res.statusCode : 499;
    // Only configured names become label values, so a client cannot grow the metric set.
    const model = ctx.model !== null && configuredModels.has(ctx.model) ? ctx.model : 'other';
    if (!publicRoutes.has(`${ctx.req.method} ${ctx.path}`)) metrics.record(model, status, seconds, ctx.usage);
    logger.log('info', 'request', {
      id: ctx.id,
      method: ctx.req.method,
      path: ctx.path,
      model: ctx.model,
      deployment: ctx.deployment,
      status,
      stream: ctx.stream,
      latency_ms: Math.round(seconds * 1e5) / 100,
      prompt_tokens: ctx.usage?.promptTokens ?? null,
      completion_tokens: ctx.usage?.completionTokens ?? null,
      total_tokens: ctx.usage?.totalTokens ?? null,
    });
  }

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    void handle(req, res);
  });

  return {
    server,
    listen(port, host) {
      return new Promise((resolveListen, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolveListen(new URL(`http://${shownHost}:${address.port}`));
        });
      });
    },
    async close(graceMs = DEFAULT_GRACE_MS) {
      draining = true;
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      // Connections that finish their last response while draining close instead of idling.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearInterval(sweep);
      clearTimeout(deadline);
      await pools.close();
      await logger.flush();
    },
  };
}
