// Routes by what a request is (issue 23): the contract the gateway, the config file and the app share.
// A route is `{ name, when, to, enabled }`; every condition in `when` must hold; the first enabled
// route that matches wins; no match keeps routing by the requested model name ("default").

/** The built-in scenarios a coding agent's requests fall into. */
export const ROUTE_SCENARIOS = ['background', 'thinking', 'long_context', 'image', 'web_search', 'subagent'] as const;
export type RouteScenario = (typeof ROUTE_SCENARIOS)[number];

/** The inbound dialects a request can arrive in. */
export const ROUTE_DIALECTS = ['anthropic', 'chat', 'responses', 'gemini'] as const;
export type RouteDialect = (typeof ROUTE_DIALECTS)[number];

export type RouteCondition =
  /** The client's small/fast model: its requested model matches one of `models` (globs; default Claude's Haiku-class names). */
  | { kind: 'background'; models?: string[] }
  /** Anthropic `thinking` enabled, OpenAI `reasoning_effort` / `reasoning`, Gemini `thinkingConfig`. */
  | { kind: 'thinking' }
  /** Estimated prompt tokens over `tokens`. */
  | { kind: 'long_context'; tokens: number }
  /** Any image part, also inside a `tool_result`. */
  | { kind: 'image' }
  /** A web-search server tool or function. */
  | { kind: 'web_search' }
  /** Claude Code's agent header, or a `<loopgate-model>group</loopgate-model>` / `<CCR-SUBAGENT-MODEL>` marker in any system block or the first user message (stripped before upstream); a marker's group wins over `to`. */
  | { kind: 'subagent' }
  /** The client, by the User-Agent families Loopgate recognises (the names keys.recentClients shows). */
  | { kind: 'client'; clients: string[] }
  /** The virtual key, by id or alias. */
  | { kind: 'key'; keys: string[] }
  | { kind: 'header'; name: string; op: 'present' | 'equals' | 'matches'; value?: string }
  /** The requested model name matches a glob. */
  | { kind: 'model'; pattern: string }
  /** A JSON path into the body (`$.metadata.user_id`, `$.tools[0].name`). */
  | { kind: 'json_path'; path: string; op: 'exists' | 'equals' | 'matches'; value?: string }
  | { kind: 'has_tools'; value: boolean }
  | { kind: 'stream'; value: boolean };

export type RouteConditionKind = RouteCondition['kind'];

export interface RouteSetting {
  /** Unique among the routes; what `x-loopgate-route` and the request log show. */
  name: string;
  /** Every condition must hold; an empty list always matches. */
  when: RouteCondition[];
  /** A model group (its own load balancing, retries and fallbacks apply). */
  to: string;
  enabled: boolean;
}

/** True when a `matches` condition's value compiles as a JavaScript regular expression. */
export function compilesAsRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** The route name answers and logs carry when no route matched. */
export const DEFAULT_ROUTE = 'default';

/** A request to explain: what the route test panel sends (`routing.explain`). */
export interface RouteExplainRequest {
  dialect: RouteDialect;
  /** The request body as the client would send it (JSON). */
  body: unknown;
  /** Header names in any case. */
  headers: Record<string, string>;
  /** The key the request would carry (id); none for the master key. */
  keyId?: string;
  /** Gemini carries the model in the path: the model named there. */
  model?: string;
}

export interface RouteVerdict {
  name: string;
  enabled: boolean;
  matched: boolean;
  /** The first condition that did not hold, described for a person ("stream is true, wanted false"); null when matched or disabled. */
  failed: string | null;
}

/** Which route a request would take and why; the same decision the gateway makes. */
export interface RouteExplanation {
  /** The route taken: a route's name or `default`. */
  route: string;
  /** The model group that would serve it (the requested model for `default`). */
  group: string;
  /** The deployment the router would pick first; null when the group has none. */
  deployment: { id: string; label: string } | null;
  /** Every route in order, with its verdict (evaluation stops at the first match: later ones show matched false, failed "not reached"). */
  routes: RouteVerdict[];
  /** A condition that could not be evaluated: the gateway answers 400 naming this route. */
  error: { route: string; message: string } | null;
}
