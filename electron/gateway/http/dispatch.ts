// The dispatch: finds a request's row in the route table and applies what the row says, in
// order: its error shape, the cross-site refusal and the wrong-key throttle (before any key is
// read; probes and the admin UI, which has its own, skip them), pause, who may call, then the handler.
import { GatewayError } from '../../core/errors.js';
import type { Authenticator } from '../access/auth.js';
import type { AuthThrottle } from '../access/auth-throttle.js';
import { isLoopback, requireLoopback, requireSession, sendApiError, setUiHeaders, type UiDeps } from '../admin/ui-api.js';
import { errorBodyFor } from '../../dialects/error-bodies.js';
import { adoptAnswerHeaders, type RequestContext, type RequestOutcome } from './context.js';
import { refuseCrossSite } from './cross-site.js';
import type { HostGuard } from './host-guard.js';
import { matchRoute, type BoundRoute } from './routes.js';

export interface DispatchDeps {
  routes: readonly BoundRoute[];
  auth: Authenticator;
  throttle: AuthThrottle;
  hosts(): HostGuard;
  paused(): boolean;
  /** Any loopback client may read /metrics (general_settings). */
  openMetricsOnLoopback: boolean;
  ui: UiDeps;
}

const PAUSED = 'Loopgate is paused; resume it from the tray or the app.';

function isUiPath(path: string): boolean {
  return path === '/ui' || path.startsWith('/ui/');
}

/**
 * Answers a request (a model route returns its outcome) or throws the error to answer it with;
 * the host guard has passed. Not async: a model route's own promise comes back as it is, one
 * promise less per request (the caller awaits it inside its try).
 */
export function dispatch(deps: DispatchDeps, ctx: RequestContext): void | RequestOutcome | Promise<void | RequestOutcome> {
  // Everything under /ui is the admin UI's, its router's own answers included.
  if (isUiPath(ctx.path)) {
    adoptAnswerHeaders(ctx);
    setUiHeaders(ctx);
  }
  const method = ctx.req.method ?? 'GET';
  const found = matchRoute(deps.routes, method, ctx.path);
  if (!found) throw new GatewayError('not_found', `No route for ${method} ${ctx.path}.`);
  const route = 'wrongMethod' in found ? found.wrongMethod : found.route;
  if (route.errors !== 'ui-data') ctx.errorBody = errorBodyFor(route.errors);
  if (!route.probe && !route.access.startsWith('ui-')) {
    // A page's guesses are refused before they could count against every local client.
    refuseCrossSite(ctx.req, deps.hosts());
    deps.throttle.check(ctx.req.socket.remoteAddress ?? '');
  }
  if ('wrongMethod' in found) throw new GatewayError('invalid_request', `${method} is not allowed on ${ctx.path}.`, { status: 405 });
  if (route.errors !== 'ui-data') return admitAndRun(deps, route, ctx, found.params);
  return runUiDataRoute(deps, route, ctx, found.params);
}

/** A `/ui` API route answers its errors as data itself. */
async function runUiDataRoute(deps: DispatchDeps, route: BoundRoute, ctx: RequestContext, params: readonly string[]): Promise<void> {
  try {
    await admitAndRun(deps, route, ctx, params);
  } catch (error) {
    sendApiError(deps.ui, ctx, error);
  }
}

function admitAndRun(deps: DispatchDeps, route: BoundRoute, ctx: RequestContext, params: readonly string[]): void | RequestOutcome | Promise<void | RequestOutcome> {
  if (route.pausable && deps.paused()) throw new GatewayError('unavailable', PAUSED, { headers: { 'retry-after': '30' } });
  admit(deps, route, ctx);
  return route.run(ctx, params);
}

/** Who may call: sets the caller, or throws (a wrong key as WrongKeyError, which the throttle counts). */
function admit(deps: DispatchDeps, route: BoundRoute, ctx: RequestContext): void {
  const { headers } = ctx.req;
  switch (route.access) {
    case 'public':
    case 'ui-page':
      return;
    case 'any-key':
      ctx.caller = route.keyInQuery ? deps.auth.authenticate(headers, new URLSearchParams(ctx.search).get('key')) : deps.auth.authenticate(headers);
      return;
    case 'master-key':
      deps.auth.requireMaster(headers);
      ctx.caller = { kind: 'master' };
      return;
    case 'metrics':
      return requireMetricsAccess(deps, ctx);
    case 'ui-loopback':
      return requireLoopback(ctx);
    case 'ui-session':
      return requireSession(deps.ui, ctx);
  }
}

/** The master key, or a virtual key whose metadata grants "metrics"; or, if the config opens it, any loopback client. */
function requireMetricsAccess(deps: DispatchDeps, ctx: RequestContext): void {
  if (deps.openMetricsOnLoopback && isLoopback(ctx.req)) return;
  const caller = deps.auth.authenticate(ctx.req.headers);
  if (caller.kind === 'master') return;
  const permissions = caller.key.metadata.permissions;
  if (Array.isArray(permissions) && permissions.includes('metrics')) return;
  throw new GatewayError('permission', 'Reading /metrics needs the master key or a key whose metadata grants "permissions": ["metrics"].');
}
