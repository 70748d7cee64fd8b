// Proxy hygiene in one place: what may travel from client to upstream and back.
import { familyOf } from '../../providers/index.js';
import type { DeploymentConfig } from '../../core/deployment.js';
import type { UpstreamRequest } from '../../core/deployment.js';
import { clientSignIn } from './client-sign-in.js';

// An allowlist per upstream family, not a blocklist: hop-by-hop headers (RFC 9110 §7.6.1), cookies
// and every form of client credential stay behind by construction. Anthropic's own headers (and
// Claude Code's session id) go to Anthropic only; an OpenAI-style upstream never sees them.
// W3C trace context travels on to every family, so an upstream's spans join the client's trace.
const FORWARD_TO_ANTHROPIC = ['accept', 'user-agent', 'anthropic-version', 'anthropic-beta', 'x-claude-code-session-id', 'traceparent', 'tracestate'];
const FORWARD_TO_OTHERS = ['accept', 'user-agent', 'openai-beta', 'traceparent', 'tracestate'];
/** Anthropic clients' own User-Agents (Claude Code's `claude-cli/…`, the SDK's), kept from other families. */
const ANTHROPIC_CLIENT_AGENT = /claude-cli|claude-code|^Anthropic\//i;

/** Client headers worth passing on to this family, plus the deployment's own auth; never the client's key. */
function upstreamHeaders(
  client: Readonly<Record<string, string | string[] | undefined>>,
  anthropic: boolean,
  defaults: Readonly<Record<string, string>>,
  auth: Record<string, string>,
  requestId: string,
): Record<string, string> {
  const headers: Record<string, string> = { ...defaults };
  for (const name of anthropic ? FORWARD_TO_ANTHROPIC : FORWARD_TO_OTHERS) {
    const value = client[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (!anthropic && ANTHROPIC_CLIENT_AGENT.test(headers['user-agent'] ?? '')) delete headers['user-agent'];
  headers['content-type'] = 'application/json';
  // Identity encoding so usage can be read from the bytes as they pass.
  headers['accept-encoding'] = 'identity';
  headers['x-request-id'] = requestId;
  return Object.assign(headers, auth);
}

const PASS_BACK = /^(retry-after|retry-after-ms|x-ratelimit-|openai-processing-ms$)/;

/** Upstream response headers a client can act on (rate-limit hints); nothing else leaks back. */
export function clientHeadersFromUpstream(upstream: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value !== undefined && PASS_BACK.test(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Everything a family's upstream call carries: its defaults, the client's allowed headers, its auth (or the client's own sign-in). */
export function familyHeaders(client: Readonly<Record<string, string | string[] | undefined>>, deployment: DeploymentConfig, request: UpstreamRequest, requestId: string): Record<string, string> {
  const family = familyOf(deployment);
  // A passthrough deployment's auth is the client's own sign-in (checked before the attempt); any other's, its own key.
  const auth = deployment.passthrough ? (clientSignIn(client) ?? {}) : family.authHeaders(deployment, request);
  return upstreamHeaders(client, family.name === 'anthropic', family.defaultHeaders ?? {}, auth, requestId);
}

/** A native Anthropic path keeps the client's `?beta=true` (Claude Code's beta Messages endpoint); other families get none. */
export function nativePathFor(path: string, clientUrl: string | undefined, deployment: DeploymentConfig): string {
  if (familyOf(deployment).name !== 'anthropic' || !clientUrl?.includes('?')) return path;
  return new URLSearchParams(clientUrl.slice(clientUrl.indexOf('?') + 1)).get('beta') === 'true' ? `${path}${path.includes('?') ? '&' : '?'}beta=true` : path;
}
