// routing.explain: which route a request would take and why, with the group and the deployment
// that would serve it. It builds the request as the gateway does (route-choice.ts) and calls the
// same decideRoute, so the route test shows the gateway's own decision.
import { DEFAULT_ROUTE, type RouteDialect, type RouteExplainRequest, type RouteExplanation } from '../../../shared/routes.js';
import { anthropicDialect } from '../../dialects/anthropic/index.js';
import { chatDialect } from '../../dialects/chat/index.js';
import { geminiSseDialect } from '../../dialects/gemini/index.js';
import type { InboundDialect } from '../../dialects/types.js';
import { GatewayError } from '../../core/errors.js';
import type { Router } from '../../router/index.js';
import { decideRoute, type CompiledRoutes } from '../../router/routes/index.js';
import type { Caller } from '../access/auth.js';
import type { KeyCache } from '../access/virtual-keys.js';
import { deploymentLabel } from './attempt-record.js';
import { routeRequest } from './route-choice.js';

export interface ExplainDeps {
  router: Router;
  routes: () => CompiledRoutes;
  keys: KeyCache;
  /** The Responses dialect (its prompt counted through it). */
  responses: InboundDialect;
}

function dialectOf(name: RouteDialect, deps: ExplainDeps): InboundDialect & { name: RouteDialect } {
  const dialect = name === 'anthropic' ? anthropicDialect : name === 'chat' ? chatDialect : name === 'gemini' ? geminiSseDialect : deps.responses;
  return dialect as InboundDialect & { name: RouteDialect };
}

function callerOf(deps: ExplainDeps, keyId: string | undefined): Caller | null {
  if (keyId === undefined || keyId === '') return null;
  const key = deps.keys.get(keyId);
  if (!key) throw new GatewayError('not_found', `No key has the id "${keyId}".`, { param: 'keyId' });
  return { kind: 'virtual', key };
}

export async function explainRoute(deps: ExplainDeps, request: RouteExplainRequest): Promise<RouteExplanation> {
  const dialect = dialectOf(request.dialect, deps);
  // Markers are cut from the body it reads: the caller's copy stays as sent. Gemini names the model in the path.
  const body = { ...structuredClone(request.body as Record<string, unknown>), ...(request.model !== undefined ? { model: request.model } : {}) };
  const model = typeof body.model === 'string' ? body.model : '';
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const decided = decideRoute(deps.routes(), routeRequest(dialect, body, model, headers, callerOf(deps, request.keyId)), true);
  const decision = decided instanceof Promise ? await decided : decided;
  const group = decision.group ?? resolved(deps.router, model);
  return {
    route: decision.error ? DEFAULT_ROUTE : decision.route,
    group,
    deployment: decision.error ? null : firstChoice(deps.router, group),
    routes: decision.verdicts ?? [],
    error: decision.error,
  };
}

/** The group the requested name means (an alias resolved); the name itself when nothing routes it. */
function resolved(router: Router, model: string): string {
  try {
    return router.resolve(model);
  } catch {
    return model;
  }
}

function firstChoice(router: Router, group: string): { id: string; label: string } | null {
  try {
    const deployment = router.choose(group);
    return { id: deployment.id, label: deploymentLabel(deployment) };
  } catch {
    return null;
  }
}
