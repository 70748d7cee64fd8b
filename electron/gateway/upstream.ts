// One keep-alive undici Pool per upstream origin, made at start-up, plus the mapping of
// undici's failure codes onto Loopgate's error codes.
import { Pool, type Dispatcher } from 'undici';
import type { DeploymentConfig } from '../core/deployment.js';
import { GatewayError } from '../core/errors.js';

const KEEP_ALIVE_MS = 30_000;

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  constructor(deployments: readonly DeploymentConfig[]) {
    for (const deployment of deployments) this.poolFor(deployment.apiBase);
  }

  poolFor(base: URL): Pool {
    let pool = this.pools.get(base.origin);
    if (!pool) {
      pool = new Pool(base.origin, { keepAliveTimeout: KEEP_ALIVE_MS, pipelining: 1 });
      this.pools.set(base.origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }
}

export interface UpstreamCall {
  deployment: DeploymentConfig;
  path: string;
  headers: Record<string, string>;
  body: string;
  stream: boolean;
  signal: AbortSignal;
}

export async function callUpstream(pools: UpstreamPools, call: UpstreamCall): Promise<Dispatcher.ResponseData> {
  const { deployment } = call;
  const firstByteMs = call.stream ? (deployment.streamTimeoutMs ?? deployment.timeoutMs) : deployment.timeoutMs;
  try {
    return await pools.poolFor(deployment.apiBase).request({
      method: 'POST',
      // URL keeps a lone "/" as the path of a bare origin; the call's path brings its own.
      path: deployment.apiBase.pathname.replace(/\/+$/, '') + call.path,
      headers: call.headers,
      body: call.body,
      signal: call.signal,
      headersTimeout: firstByteMs,
      bodyTimeout: deployment.timeoutMs,
    });
  } catch (error) {
    throw upstreamFailure(error, deployment);
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMED_OUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Turns an undici/network failure into the client-facing error; names no secrets. */
export function upstreamFailure(error: unknown, deployment: DeploymentConfig): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = errorCode(error);
  const where = `deployment "${deployment.id}" (${deployment.apiBase.origin})`;
  if (TIMED_OUT.has(code)) {
    return new GatewayError('timeout', `The upstream ${where} did not answer within ${deployment.timeoutMs / 1000}s.`);
  }
  if (UNREACHABLE.has(code)) {
    return new GatewayError('upstream_unreachable', `Could not reach the upstream ${where}: ${code}.`);
  }
  return new GatewayError('upstream', `The upstream ${where} failed: ${code || (error as Error)?.message || 'unknown error'}.`);
}

function errorCode(error: unknown): string {
  let current: unknown = error;
  // Connection errors arrive wrapped (cause chains, AggregateError for happy-eyeballs).
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_REQ_RETRY') return code;
    const errors = (current as { errors?: unknown[] }).errors;
    current = (current as { cause?: unknown }).cause ?? errors?.[0];
  }
  return '';
}
