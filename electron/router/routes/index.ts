// Routes by what a request is (shared/routes.ts): compiled once per routing change, then one
// pure decision per request, before model-group resolution. The gateway and routing.explain call
// the same decideRoute, so the route test shows the decision the gateway makes.
import { DEFAULT_ROUTE, type RouteSetting, type RouteVerdict } from '../../../shared/routes.js';
import { compileCondition, RequestFeatures, RouteConditionError, type ConditionTest, type RouteRequest } from './conditions.js';

export { AGENT_HEADER, type RouteRequest } from './conditions.js';

interface CompiledRoute {
  readonly setting: RouteSetting;
  readonly tests: readonly ConditionTest[];
  /** Whether it takes a subagent marker's group over its `to`. */
  readonly subagent: boolean;
}

export interface CompiledRoutes {
  readonly routes: readonly CompiledRoute[];
  /** Some enabled route looks for subagent markers: every marker is then cut from the body. */
  readonly takesMarkers: boolean;
}

export const NO_ROUTES: CompiledRoutes = { routes: [], takesMarkers: false };

/** Compiles routes (a bad regex or JSON path throws, naming the route). Disabled routes are kept to explain. */
export function compileRoutes(settings: readonly RouteSetting[]): CompiledRoutes {
  const routes = settings.map((setting) => {
    try {
      return { setting, tests: setting.when.map(compileCondition), subagent: setting.when.some((condition) => condition.kind === 'subagent') };
    } catch (error) {
      throw new Error(`route "${setting.name}": ${(error as Error).message}`, { cause: error });
    }
  });
  return { routes, takesMarkers: routes.some((route) => route.subagent && route.setting.enabled) };
}

export interface RouteDecision {
  /** The route taken: its name, or `default`. */
  route: string;
  /** The model group it sends the request to; null for `default` (routing by the requested name). */
  group: string | null;
  /** Whether subagent markers were cut from the body (it no longer equals the client's text). */
  stripped: boolean;
  /** Each route's verdict, when asked to explain. */
  verdicts: RouteVerdict[] | null;
  /** A condition that could not be evaluated: the gateway answers 400 naming the route. */
  error: { route: string; message: string } | null;
}

type Outcome = string | null;

/** The first enabled route whose conditions all hold; a promise only when a prompt had to be counted. */
export function decideRoute(table: CompiledRoutes, request: RouteRequest, explain = false): RouteDecision | Promise<RouteDecision> {
  if (table.routes.length === 0) return { route: DEFAULT_ROUTE, group: null, stripped: false, verdicts: explain ? [] : null, error: null };
  const features = new RequestFeatures(request, table.takesMarkers);
  const verdicts: RouteVerdict[] | null = explain ? [] : null;
  const finish = (index: number, error: { route: string; message: string } | null): RouteDecision => {
    const route = index < table.routes.length && error === null ? table.routes[index]! : null;
    if (verdicts) {
      for (let rest = verdicts.length; rest < table.routes.length; rest++) {
        const { name, enabled } = table.routes[rest]!.setting;
        verdicts.push({ name, enabled, matched: false, failed: enabled ? 'not reached' : null });
      }
    }
    if (!route) return { route: DEFAULT_ROUTE, group: null, stripped: features.stripped, verdicts, error };
    const group = route.subagent && features.markerGroup !== null ? features.markerGroup : route.setting.to;
    return { route: route.setting.name, group, stripped: features.stripped, verdicts, error: null };
  };
  return next(table, features, verdicts, 0, finish);
}

/** Evaluates routes from `index` on, synchronously until a condition needs the tokenizer. */
function next(
  table: CompiledRoutes,
  features: RequestFeatures,
  verdicts: RouteVerdict[] | null,
  index: number,
  finish: (index: number, error: { route: string; message: string } | null) => RouteDecision,
): RouteDecision | Promise<RouteDecision> {
  for (let i = index; i < table.routes.length; i++) {
    const route = table.routes[i]!;
    const { name, enabled } = route.setting;
    if (!enabled) {
      verdicts?.push({ name, enabled, matched: false, failed: null });
      continue;
    }
    let failed: Outcome | Promise<Outcome>;
    try {
      failed = firstFailure(route.tests, features, 0);
    } catch (error) {
      return fail(name, error, verdicts, finish, i);
    }
    if (failed instanceof Promise) {
      return failed.then(
        (outcome) => settle(table, features, verdicts, i, outcome, finish),
        (error: unknown) => fail(name, error, verdicts, finish, i),
      );
    }
    if (failed === null) {
      verdicts?.push({ name, enabled, matched: true, failed: null });
      return finish(i, null);
    }
    verdicts?.push({ name, enabled, matched: false, failed });
  }
  return finish(table.routes.length, null);
}

function settle(
  table: CompiledRoutes,
  features: RequestFeatures,
  verdicts: RouteVerdict[] | null,
  i: number,
  failed: Outcome,
  finish: (index: number, error: { route: string; message: string } | null) => RouteDecision,
): RouteDecision | Promise<RouteDecision> {
  const { name, enabled } = table.routes[i]!.setting;
  verdicts?.push({ name, enabled, matched: failed === null, failed });
  return failed === null ? finish(i, null) : next(table, features, verdicts, i + 1, finish);
}

function fail(name: string, error: unknown, verdicts: RouteVerdict[] | null, finish: (index: number, error: { route: string; message: string } | null) => RouteDecision, i: number): RouteDecision {
  if (!(error instanceof RouteConditionError)) throw error;
  verdicts?.push({ name, enabled: true, matched: false, failed: error.message });
  return finish(i, { route: name, message: error.message });
}

/** The first condition that fails (its description), null when all hold; async from a condition that counts on. */
function firstFailure(tests: readonly ConditionTest[], features: RequestFeatures, from: number): Outcome | Promise<Outcome> {
  for (let j = from; j < tests.length; j++) {
    const outcome = tests[j]!(features);
    if (outcome instanceof Promise) return outcome.then((failed) => (failed === null ? firstFailure(tests, features, j + 1) : failed));
    if (outcome !== null) return outcome;
  }
  return null;
}
