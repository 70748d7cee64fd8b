// Passthrough sign-in: a deployment whose client signs in (`api_key: passthrough`) is called with
// the client's own credentials (Claude Code's login token in Authorization, or its x-api-key),
// unchanged; Loopgate knows the caller by `x-loopgate-key`. The token is read per request from the
// client's headers and kept nowhere: not in the log, the request log, the cache key or an error.
import type { DeploymentConfig } from '../../core/deployment.js';
import { GatewayError } from '../../core/errors.js';

type ClientHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The headers a client signs in to Anthropic with. */
const OWN_CREDENTIALS = ['authorization', 'x-api-key'] as const;

function first(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text.trim() : null;
}

/** The Loopgate key as a header of its own names it (Authorization then carries the client's own sign-in), else null. */
function namedLoopgateKey(headers: ClientHeaders): string | null {
  const named = first(headers['x-loopgate-key']) ?? first(headers['x-litellm-api-key']);
  return named === null ? null : named.replace(/^Bearer\s+/i, '');
}

/**
 * The client's own credentials for a passthrough upstream, as it sent them, or null. Without a
 * header naming the Loopgate key, Authorization and x-api-key carry that key: never sent on.
 */
export function clientSignIn(headers: ClientHeaders): Record<string, string> | null {
  const loopgateKey = namedLoopgateKey(headers);
  if (!loopgateKey) return null;
  const credentials: Record<string, string> = {};
  for (const name of OWN_CREDENTIALS) {
    const value = first(headers[name]);
    // A client that repeats its Loopgate key there has no sign-in of its own to pass on.
    if (value && !value.includes(loopgateKey)) credentials[name] = value;
  }
  return Object.keys(credentials).length > 0 ? credentials : null;
}

/** A passthrough deployment needs the client's own sign-in; without it the request stops here with a 401, before any upstream. */
export function requireClientSignIn(deployment: DeploymentConfig, headers: ClientHeaders): void {
  if (!deployment.passthrough || clientSignIn(headers) !== null) return;
  throw new GatewayError(
    'sign_in_required',
    `The model "${deployment.modelName}" is served with each tool's own sign-in: send it in Authorization (Claude Code does with its own login) and your Loopgate key in x-loopgate-key.`,
  );
}
