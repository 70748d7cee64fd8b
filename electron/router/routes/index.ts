// Routes by what a request is (shared/routes.ts): compiled once per routing change, then one
// pure decision per request, before model-group resolution. The gateway and routing.explain call
// the same decideRoute, so the route test shows the decision the gateway makes.
import { DEFAULT_ROUTE, type RouteSetting, type RouteVerdict } from '../../../shared/routes.js';
import { compileCondition, RequestFeatures, RouteConditionError, type ConditionTest, type RouteRequest } from './conditions.js';

export type { RouteRequest } from './conditions.js';

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

/** The index of the first condition that fails, -1 when all hold; async from a condition that counts on. */
type Outcome = number;

/** The first enabled route whose conditions all hold; a promise only when a prompt had to be counted. */
export function decideRoute(table: CompiledRoutes, request: RouteRequest, explain = false): RouteDecision | Promise<RouteDecision> {
  if (table.routes.length === 0) return { route: DEFAULT_ROUTE, group: null, stripped: false, verdicts: explain ? [] : null, error: null };
  return new Decision(table, new RequestFeatures(request, table.takesMarkers), explain ? [] : null).from(0);
}

/** One evaluation: synchronous until a condition needs the tokenizer, then the rest follows the count. */
class Decision {
  constructor(
    private readonly table: CompiledRoutes,
    private readonly features: RequestFeatures,
    private readonly verdicts: RouteVerdict[] | null,
  ) {}

  from(index: number): RouteDecision | Promise<RouteDecision> {
    const routes = this.table.routes;
    for (let i = index; i < routes.length; i++) {
      const route = routes[i]!;
      if (!route.setting.enabled) {
        this.verdicts?.push({ name: route.setting.name, enabled: false, matched: false, failed: null });
        continue;
      }
      let failed: Outcome | Promise<Outcome>;
      try {
        failed = firstFailure(route.tests, this.features, 0);
      } catch (error) {
        return this.unevaluated(i, error);
      }
      if (failed instanceof Promise) {
        return failed.then(
          (outcome) => this.settle(i, outcome) ?? this.from(i + 1),
          (error: unknown) => this.unevaluated(i, error),
        );
      }
      const settled = this.settle(i, failed);
      if (settled !== null) return settled;
    }
    return this.finish(routes.length, null);
  }

  /** The decision when route `i` matched; null to go on (or a promise while a failure is described). */
  private settle(i: number, failed: Outcome): RouteDecision | Promise<RouteDecision> | null {
    const { name } = this.table.routes[i]!.setting;
    if (failed < 0) {
      this.verdicts?.push({ name, enabled: true, matched: true, failed: null });
      return this.finish(i, null);
    }
    if (!this.verdicts) return null;
    const why = this.table.routes[i]!.tests[failed]!.why(this.features);
    if (why instanceof Promise) {
      return why.then((text) => {
        this.verdicts!.push({ name, enabled: true, matched: false, failed: text });
        return this.from(i + 1);
      });
    }
    this.verdicts.push({ name, enabled: true, matched: false, failed: why });
    return null;
  }

  private unevaluated(i: number, error: unknown): RouteDecision {
    if (!(error instanceof RouteConditionError)) throw error;
    const { name } = this.table.routes[i]!.setting;
    this.verdicts?.push({ name, enabled: true, matched: false, failed: error.message });
    return this.finish(i, { route: name, message: error.message });
  }

  private finish(index: number, error: { route: string; message: string } | null): RouteDecision {
    const routes = this.table.routes;
    if (this.verdicts) {
      for (let rest = this.verdicts.length; rest < routes.length; rest++) {
        const { name, enabled } = routes[rest]!.setting;
        this.verdicts.push({ name, enabled, matched: false, failed: enabled ? 'not reached' : null });
      }
    }
    const route = index < routes.length && error === null ? routes[index]! : null;
    const stripped = this.features.stripped;
    if (!route) return { route: DEFAULT_ROUTE, group: null, stripped, verdicts: this.verdicts, error };
    const group = route.subagent && this.features.markerGroup !== null ? this.features.markerGroup : route.setting.to;
    return { route: route.setting.name, group, stripped, verdicts: this.verdicts, error: null };
  }
}

function firstFailure(tests: readonly ConditionTest[], features: RequestFeatures, from: number): Outcome | Promise<Outcome> {
  for (let j = from; j < tests.length; j++) {
    const held = tests[j]!.test(features);
    if (held instanceof Promise) return held.then((yes) => (yes ? firstFailure(tests, features, j + 1) : j));
    if (!held) return j;
  }
  return -1;
}
