// `GET /health`: each deployment's state as the router sees it (healthy, cooling until, last
// error). Optional background checks send each deployment a one-token request on a timer; a
// pass ends a cooldown early, a failure counts like any other.
import { PASSTHROUGH_KEY } from '../../../shared/providers.js';
import { familyOf } from '../../providers/index.js';
import type { DeploymentConfig } from '../../core/deployment.js';
import type { Router } from '../../router/index.js';
import { AttemptFailure } from '../../router/failures.js';
import { sendObject, type RequestContext } from '../http/context.js';
import type { Logger } from '../../core/logger.js';
import { answerText, callDeployment, upstreamFailure, type UpstreamPools } from './upstream.js';

/** A secret shown the way LiteLLM's /health shows one: enough to recognise, never enough to use. */
function masked(secret: string | null): string | null {
  if (!secret) return null;
  return secret.length <= 8 ? '****' : `${secret.slice(0, 3)}****${secret.slice(-4)}`;
}

/** One deployment as LiteLLM's /health lists it: its litellm_params, secrets masked. */
function endpoint(deployment: DeploymentConfig) {
  return {
    model: `${deployment.family}/${deployment.upstreamModel}`,
    model_name: deployment.modelName,
    model_id: deployment.id,
    api_base: deployment.apiBase.origin + deployment.apiBase.pathname.replace(/\/+$/, ''),
    ...(deployment.apiKey ? { api_key: masked(deployment.apiKey) } : deployment.passthrough ? { api_key: PASSTHROUGH_KEY } : {}),
    ...(deployment.apiVersion ? { api_version: deployment.apiVersion } : {}),
    ...(deployment.aws ? { aws_access_key_id: masked(deployment.aws.accessKeyId), aws_region_name: deployment.aws.region } : {}),
  };
}

/**
 * LiteLLM's `healthy_endpoints` / `unhealthy_endpoints` (from the router's state, not a fresh
 * call), plus Loopgate's `deployments`. As in LiteLLM, `?model=` keeps one model name's
 * deployments and `?model_id=` one deployment.
 */
export function sendHealth(ctx: RequestContext, router: Router): void {
  const query = new URLSearchParams(ctx.search);
  const model = query.get('model');
  const modelId = query.get('model_id');
  const deployments = router.health().filter((health) => (model === null || health.model_name === model) && (modelId === null || health.id === modelId));
  const configs = new Map(router.deployments().map((deployment) => [deployment.id, deployment]));
  const healthyEndpoints: unknown[] = [];
  const unhealthyEndpoints: unknown[] = [];
  for (const health of deployments) {
    const config = configs.get(health.id);
    if (!config) continue;
    if (health.state === 'healthy' && config.unavailable === null) healthyEndpoints.push(endpoint(config));
    else unhealthyEndpoints.push({ ...endpoint(config), error: health.last_error ?? health.state });
  }
  sendObject(ctx, 200, {
    healthy_endpoints: healthyEndpoints,
    unhealthy_endpoints: unhealthyEndpoints,
    healthy_count: healthyEndpoints.length,
    unhealthy_count: unhealthyEndpoints.length,
    deployments,
  });
}

/** What /health/readiness is told about the gateway's parts. */
export interface ReadinessState {
  draining: boolean;
  models: number;
  /** Null without Redis. */
  redis: 'connected' | 'unavailable' | null;
  databaseAvailable: boolean;
  /** Whether the database is a server worth naming (PostgreSQL) rather than the embedded file. */
  databaseIsServer: boolean;
  queuedLogRows: number;
  /** LiteLLM's cache type: "redis", "local", or null when the response cache is off. */
  cache: 'redis' | 'local' | null;
  version: string;
}

/**
 * LiteLLM's readiness fields (`status: "healthy"`, `db`, `cache`, `litellm_version`, ...) so its
 * probes and scripts read it, and Loopgate's own state in `state`: "ready", "degraded" (traffic
 * flows without Redis or the database) or "draining" (503).
 */
export function readinessBody(state: ReadinessState): { status: number; body: Record<string, unknown> } {
  const database = state.databaseAvailable ? 'connected' : 'unavailable';
  const loopgate = state.draining ? 'draining' : state.redis === 'unavailable' || database === 'unavailable' ? 'degraded' : 'ready';
  const body = {
    status: state.draining ? 'unhealthy' : 'healthy',
    state: loopgate,
    db: database,
    cache: state.cache,
    litellm_version: state.version,
    success_callbacks: [],
    use_aiohttp_transport: false,
    log_level: 'INFO',
    is_detailed_debug: false,
    models: state.models,
    ...(state.redis ? { redis: state.redis } : {}),
    ...(state.databaseIsServer || database === 'unavailable' ? { database } : {}),
    ...(database === 'unavailable' ? { queued_log_rows: state.queuedLogRows } : {}),
  };
  return { status: state.draining ? 503 : 200, body };
}

const CHECK_TIMEOUT_MS = 20_000;

export class HealthChecker {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly router: Router,
    private readonly pools: UpstreamPools,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.checkAll(), this.intervalMs).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async checkAll(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      // A disabled deployment is not in use, a wildcard one has no model of its own to ask, and a passthrough one no key to ask with.
      const checkable = this.router.deployments().filter((deployment) => deployment.enabled && deployment.unavailable === null && !deployment.passthrough && !deployment.upstreamModel.includes('*'));
      await Promise.all(checkable.map((deployment) => this.check(deployment)));
    } finally {
      this.running = false;
    }
  }

  private async check(deployment: DeploymentConfig): Promise<void> {
    const family = familyOf(deployment);
    const request = family.chatRequest({ model: deployment.upstreamModel, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 }, deployment);
    try {
      const response = await callDeployment(this.pools, deployment, request, {
        clientHeaders: {},
        requestId: 'health-check',
        stream: false,
        signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
        timeoutMs: CHECK_TIMEOUT_MS,
      });
      const text = await answerText(response, deployment);
      if (response.statusCode >= 400) this.router.failed(deployment, AttemptFailure.fromResponse(response.statusCode, response.headers, text));
      else this.router.recovered(deployment);
    } catch (error) {
      this.router.failed(deployment, AttemptFailure.fromError(upstreamFailure(error, deployment)));
      this.logger.log('warn', `Health check failed for ${deployment.id}`, { error: String((error as Error).message) });
    }
  }
}
