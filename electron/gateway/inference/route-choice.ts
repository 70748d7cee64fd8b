// Where a request's route is chosen (router/routes/): before its model group is resolved, for
// the four dialects routes apply to. The answer names the route (`x-loopgate-route`), and a
// condition that cannot be evaluated is the client's 400 naming the route, never a silent
// default. routing.explain calls the same decideRoute with a request built the same way.
import type { IncomingHttpHeaders } from 'node:http';
import { DEFAULT_ROUTE, type RouteDialect } from '../../../shared/routes.js';
import { GatewayError } from '../../core/errors.js';
import type { InboundDialect, Json } from '../../dialects/types.js';
import { decideRoute, type CompiledRoutes, type RouteDecision, type RouteRequest } from '../../router/routes/index.js';
import { clientName } from '../accounting/client-name.js';
import type { Caller } from '../access/auth.js';
import { requestSize, requestSizeBound } from './usage-estimate.js';

export const ROUTE_HEADER = 'x-loopgate-route';

const ROUTED: ReadonlySet<string> = new Set<RouteDialect>(['anthropic', 'chat', 'responses', 'gemini']);

/** What routes read of a request: its body, headers and caller; the prompt counted only if a route needs it. */
export function routeRequest(dialect: InboundDialect & { name: RouteDialect }, body: Json, model: string, headers: IncomingHttpHeaders, caller: Caller | null): RouteRequest {
  const key = caller?.kind === 'virtual' ? caller.key : null;
  return {
    dialect: dialect.name,
    body,
    model,
    header: (name) => {
      const value = headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    keyId: key?.id ?? null,
    keyAlias: key?.keyAlias ?? null,
    client: () => clientName(headers['user-agent']),
    tokens: {
      bound: () => requestSizeBound(body).promptTokens,
      count: async () => (await requestSize(dialect, body)).promptTokens,
    },
  };
}

const DEFAULT: RouteDecision = { route: DEFAULT_ROUTE, group: null, stripped: false, verdicts: null, error: null };

export function isRouted(dialect: InboundDialect): dialect is InboundDialect & { name: RouteDialect } {
  return ROUTED.has(dialect.name);
}

/** The route for a client's request (markers cut from `body`); throws the 400 of a condition that cannot be evaluated. A promise only when a prompt was counted. */
export function chooseRoute(routes: CompiledRoutes, dialect: InboundDialect, body: Json, model: string, headers: IncomingHttpHeaders, caller: Caller | null): RouteDecision | Promise<RouteDecision> {
  if (routes.routes.length === 0 || !isRouted(dialect)) return DEFAULT;
  const decided = decideRoute(routes, routeRequest(dialect, body, model, headers, caller));
  return decided instanceof Promise ? decided.then(refuseUnevaluated) : refuseUnevaluated(decided);
}

function refuseUnevaluated(decision: RouteDecision): RouteDecision {
  if (!decision.error) return decision;
  throw new GatewayError('invalid_request', `Route "${decision.error.route}" cannot be evaluated for this request: ${decision.error.message}.`, {
    param: 'route',
    headers: { [ROUTE_HEADER]: decision.error.route },
  });
}
