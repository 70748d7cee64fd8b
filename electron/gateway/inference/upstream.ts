// One keep-alive undici dispatcher per upstream origin and proxy, made at start-up, plus the mapping of
// undici's failure codes onto Loopgate's error codes. A request that dies on a reused idle
// connection before any answer arrived (the upstream's idle timer closed it as we wrote) is
// sent once more on a fresh connection: that is the keep-alive race, not a failing upstream.
import { subscribe } from 'node:diagnostics_channel';
import { Client, Pool, ProxyAgent, type Dispatcher } from 'undici';
import type { ClientSignal } from '../../core/client-signal.js';
import type { DeploymentConfig, UpstreamRequest } from '../../core/deployment.js';
import { GatewayError } from '../../core/errors.js';
import { redactCredentials } from '../../core/redact.js';
import type { SystemProxy } from '../../core/system-proxy.js';
import { proxyChoice, type ProxyChoice } from '../../core/upstream-proxy.js';
import { describeUntrustedChain, isUntrustedCertificate, trustedCertificates, type TrustOptions } from './upstream-tls.js';
import { familyHeaders } from './proxy-headers.js';

/**
 * Idle connections are kept this long unless the upstream says less (undici then keeps
 * its `Keep-Alive: timeout` minus a 2 s margin); an upstream that says nothing and closes
 * sooner costs one resend, not a failed attempt.
 */
const KEEP_ALIVE_MS = 30_000;
const POOL_OPTIONS = { keepAliveTimeout: KEEP_ALIVE_MS, pipelining: 1 } as const;

/**
 * The race shows as the socket closing at once; a reset after that may come from an upstream that
 * already took the request (a proxy dropping a long completion), and a resend would run it twice.
 */
const RACE_WINDOW_MS = 1_000;
/** How a connection closed under us; a timeout is never the race. */
const CLOSED_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
/** Requests per socket so far, and when each request written on a reused socket went out (until its headers arrive). */
const sentOnSocket = new WeakMap<object, number>();
const awaitingOnReused = new WeakMap<object, number>();
/** Errors that ended a request on a reused socket before its answer's headers. */
const staleConnectionErrors = new WeakSet<object>();
// undici reports each request's socket and outcome on these channels (its stable diagnostics API).
subscribe('undici:client:sendHeaders', (message) => {
  const { request, socket } = message as { request: object; socket: object };
  const sent = sentOnSocket.get(socket) ?? 0;
  sentOnSocket.set(socket, sent + 1);
  if (sent > 0) awaitingOnReused.set(request, performance.now());
});
subscribe('undici:request:headers', (message) => {
  awaitingOnReused.delete((message as { request: object }).request);
});
subscribe('undici:request:error', (message) => {
  const { request, error } = message as { request: object; error: unknown };
  const sentAt = awaitingOnReused.get(request);
  awaitingOnReused.delete(request);
  if (sentAt === undefined || typeof error !== 'object' || error === null) return;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CLOSED_CODES.has(code) && performance.now() - sentAt <= RACE_WINDOW_MS) staleConnectionErrors.add(error);
});

/** The network around upstream calls: the environment (HTTPS_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS) and extra trust. */
export interface UpstreamNetwork extends TrustOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** The desktop app: the operating system's proxy per upstream origin. */
  systemProxy?: SystemProxy | null;
}

export class UpstreamPools {
  private readonly pools = new Map<string, Dispatcher>();
  /** The CAs upstream TLS trusts; undefined: Node's default. */
  readonly ca: string[] | undefined;

  constructor(
    deployments: readonly DeploymentConfig[],
    private readonly network: UpstreamNetwork = { env: process.env },
  ) {
    this.ca = trustedCertificates(network, network.env);
    for (const deployment of deployments) {
      // A deployment with a bad proxy setting fails its own calls, not the start-up.
      if (routeProblem(this, deployment) === null) this.dispatcherFor(deployment);
    }
  }

  /** Which proxy a call to this deployment takes. */
  routeOf(deployment: Pick<DeploymentConfig, 'apiBase' | 'family' | 'proxy'>): ProxyChoice {
    return proxyChoice(deployment.apiBase, deployment.family, deployment.proxy ?? null, this.network.env, this.network.systemProxy ?? null);
  }

  dispatcherFor(deployment: DeploymentConfig): Dispatcher {
    const choice = this.routeOf(deployment);
    const key = choice.via === 'direct' ? deployment.apiBase.origin : `${deployment.apiBase.origin} via ${choice.url.href}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = this.dispatcher(deployment.apiBase, choice, false);
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** A dispatcher of the same route on connections of its own (the keep-alive race's resend). */
  freshFor(deployment: DeploymentConfig): Dispatcher {
    return this.dispatcher(deployment.apiBase, this.routeOf(deployment), true);
  }

  private dispatcher(base: URL, choice: ProxyChoice, single: boolean): Dispatcher {
    const tlsOptions = this.ca ? { ca: this.ca } : null;
    if (choice.via !== 'direct') {
      // undici's ProxyAgent speaks HTTP CONNECT and, for a socks5:// URL, SOCKS5 (its Socks5ProxyAgent); any proxyTls means "TLS to the proxy".
      const toProxy = tlsOptions && choice.url.protocol === 'https:' ? { proxyTls: tlsOptions } : {};
      return new ProxyAgent({ uri: choice.url.href, ...POOL_OPTIONS, ...(tlsOptions ? { requestTls: tlsOptions } : {}), ...toProxy, factory: tunnelPool });
    }
    const options = { ...POOL_OPTIONS, ...(tlsOptions ? { connect: tlsOptions } : {}) };
    return single ? new Client(base.origin, options) : new Pool(base.origin, options);
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }
}

/**
 * A pool behind a proxy whose tunnel failures end the request. undici counts a proxy closing the
 * connection before answering CONNECT (UND_ERR_SOCKET) as recoverable and tries again for ever,
 * so the request would hang past its timeouts and abort signal; as a reset, it fails at once.
 */
function tunnelPool(origin: URL | string, options: Pool.Options): Dispatcher {
  const tunnel = options.connect;
  if (typeof tunnel !== 'function') return new Pool(origin, options);
  const connect: typeof tunnel = (opts, callback) =>
    tunnel(opts, (error, socket) => {
      if (error && (error as { code?: unknown }).code === 'UND_ERR_SOCKET') {
        callback(Object.assign(new Error(`the proxy closed the connection before answering CONNECT (${error.message})`), { code: 'ECONNRESET', cause: error }), null);
      } else if (error) callback(error, null);
      else callback(null, socket);
    });
  return new Pool(origin, { ...options, connect });
}

function routeProblem(pools: UpstreamPools, deployment: DeploymentConfig): string | null {
  try {
    pools.routeOf(deployment);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Who a call is made for: the client's headers (the allowed ones go on), the request id, and when to stop. */
export interface CallFor {
  clientHeaders: Readonly<Record<string, string | string[] | undefined>>;
  requestId: string;
  stream: boolean;
  signal: AbortSignal | ClientSignal;
  /** A shorter limit than the deployment's own timeout (the health checks'). */
  timeoutMs?: number;
  /** The attempt's own W3C traceparent (tracing on); otherwise the client's, if any, travels as sent. */
  traceparent?: string | null;
}

/**
 * A family's request sent to a deployment with the family's headers and auth: how the relay,
 * count_tokens and the health checks all call an upstream.
 */
export function callDeployment(pools: UpstreamPools, deployment: DeploymentConfig, request: UpstreamRequest, call: CallFor): Promise<Dispatcher.ResponseData> {
  return callUpstream(pools, {
    deployment: call.timeoutMs === undefined ? deployment : { ...deployment, timeoutMs: Math.min(deployment.timeoutMs, call.timeoutMs) },
    path: request.path,
    headers: withTraceparent(familyHeaders(call.clientHeaders, deployment, request, call.requestId), call.traceparent),
    body: request.body,
    stream: call.stream,
    signal: call.signal,
  });
}

function withTraceparent(headers: Record<string, string>, traceparent: string | null | undefined): Record<string, string> {
  if (traceparent) headers.traceparent = traceparent;
  return headers;
}

/** Whether an upstream's origin answers at all (any status): the offline probe, one HEAD through the deployment's own route. */
export async function answersAtAll(pools: UpstreamPools, deployment: DeploymentConfig, timeoutMs = 5_000): Promise<boolean> {
  try {
    const response = await pools
      .dispatcherFor(deployment)
      .request({ origin: deployment.apiBase.origin, method: 'HEAD', path: '/', headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    await response.body.dump();
    return true;
  } catch {
    return false;
  }
}

/** An answer's text; a refusal's with the deployment's credentials masked (an upstream may repeat the key it was sent). */
export async function answerText(response: Dispatcher.ResponseData, deployment: DeploymentConfig): Promise<string> {
  const text = await response.body.text();
  return response.statusCode >= 400 ? redactCredentials(text, deployment) : text;
}

interface UpstreamCall {
  deployment: DeploymentConfig;
  path: string;
  headers: Record<string, string>;
  body: string;
  stream: boolean;
  signal: AbortSignal | ClientSignal;
}

function callUpstream(pools: UpstreamPools, call: UpstreamCall): Promise<Dispatcher.ResponseData> {
  const { deployment } = call;
  const firstByteMs = call.stream ? (deployment.streamTimeoutMs ?? deployment.timeoutMs) : deployment.timeoutMs;
  const options: Dispatcher.RequestOptions = {
    // A proxy agent serves many origins: it is told which one.
    origin: deployment.apiBase.origin,
    method: 'POST',
    // URL keeps a lone "/" as the path of a bare origin; the call's path brings its own.
    path: deployment.apiBase.pathname.replace(/\/+$/, '') + call.path,
    headers: call.headers,
    body: call.body,
    signal: call.signal,
    headersTimeout: firstByteMs,
    bodyTimeout: deployment.timeoutMs,
  };
  // catch() rather than async/await: a promise less per request.
  return pools
    .dispatcherFor(deployment)
    .request(options)
    .catch(async (error: unknown) => {
      if (isUntrustedCertificate(errorCode(error))) throw await certificateFailure(pools, deployment, errorCode(error));
      if (!staleConnectionErrors.has(error as object) || call.signal.aborted) throw upstreamFailure(error, deployment);
      return resend(pools, deployment, options);
    });
}

/** The keep-alive race: once more, on a connection of its own, so no other stale socket is picked. */
async function resend(pools: UpstreamPools, deployment: DeploymentConfig, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  const fresh = pools.freshFor(deployment);
  try {
    const response = await fresh.request(options);
    // Closes once the answer has been read.
    void fresh.close();
    return response;
  } catch (error) {
    void fresh.destroy();
    throw upstreamFailure(error, deployment, true);
  }
}

/** An upstream whose TLS certificate is not trusted: which certificate, and where its CA can be added. */
async function certificateFailure(pools: UpstreamPools, deployment: DeploymentConfig, code: string): Promise<GatewayError> {
  const chain = await describeUntrustedChain(deployment.apiBase, pools.routeOf(deployment), pools.ca);
  return new GatewayError(
    'upstream_certificate',
    `The upstream deployment "${deployment.id}" (${deployment.apiBase.origin}) presented a TLS certificate Loopgate does not trust (${code}): ${chain ?? 'its chain could not be read'}. ` +
      'If your network inspects TLS (a company proxy), add that CA certificate (PEM) to general_settings.ca_certs in the config file or name its file in NODE_EXTRA_CA_CERTS, then restart Loopgate.',
  );
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMED_OUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const CONNECT_FAILED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** undici's words when a proxy answers CONNECT with anything but 200 (it could not reach the upstream). */
const PROXY_TUNNEL_REFUSED = /^Proxy response \((\d+)\) !== 200 when HTTP Tunneling/;
/** Failures where no answer came at all: the network (DNS, refused, reset, timeout before headers), never an upstream's 4xx/5xx. */
const noAnswer = new WeakSet<GatewayError>();

export function isConnectivityFailure(error: GatewayError | null): boolean {
  return error !== null && noAnswer.has(error);
}

/** Turns an undici/network failure into the client-facing error; names no secrets, says the cause. */
export function upstreamFailure(error: unknown, deployment: DeploymentConfig, resent = false): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = errorCode(error);
  const where = `deployment "${deployment.id}" (${deployment.apiBase.origin})`;
  if (TIMED_OUT.has(code)) {
    const failure = new GatewayError('timeout', `The upstream ${where} did not answer within ${deployment.timeoutMs / 1000}s.`);
    // No answer at all is the network's doing; a body cut short after an answer began is not.
    if (code === 'UND_ERR_HEADERS_TIMEOUT') noAnswer.add(failure);
    return failure;
  }
  const tunnel = PROXY_TUNNEL_REFUSED.exec((error as Error)?.message ?? '');
  if (UNREACHABLE.has(code) || tunnel) {
    // Which it was, for whoever reads the log: no connection, a keep-alive race, a reset, or a proxy that could not reach it.
    const cause = tunnel ? `the proxy answered ${tunnel[1]} to CONNECT` : CONNECT_FAILED.has(code) ? 'connect failed' : 'connection reset or closed';
    const again = resent ? ', also on a fresh connection after a reused one was closed' : '';
    const failure = new GatewayError('upstream_unreachable', `Could not reach the upstream ${where}: ${tunnel ? 'proxy tunnel refused' : code} (${cause}${again}).`);
    noAnswer.add(failure);
    return failure;
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
