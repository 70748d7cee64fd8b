// Routes as data: each HTTP route is one row saying its method and path, who may call it, the
// error shape its clients read and whether pause applies. The rows sit next to their audience
// (http/public-routes.ts, inference/routes.ts, admin/litellm-routes.ts, admin/ui-routes.ts);
// the dispatcher (http/dispatch.ts) applies what a row says, the row's handler only answers.
import type { ErrorShape as WireShape } from '../../dialects/error-bodies.js';
import type { RequestContext, RequestOutcome } from './context.js';

/**
 * Who may call a route.
 * - `public`: anyone, no key.
 * - `any-key`: the master key or a virtual key (a virtual key's own limits apply in the handler).
 * - `master-key`: the master key only.
 * - `metrics`: the master key, a key whose metadata grants "metrics", or (if configured) any loopback client.
 * - `ui-page`: anyone, as the admin UI's page (its files, the sign-in state, sign-out).
 * - `ui-loopback`: a client on this machine (sign-in, the event stream; each checks its session itself).
 * - `ui-session`: a loopback client with an admin UI session, from the UI's own origin.
 */
export type Access = 'public' | 'any-key' | 'master-key' | 'metrics' | 'ui-page' | 'ui-loopback' | 'ui-session';

/** How a route's errors are written: in its clients' API shape, or as data (`{ ok: false, error }`, as over IPC). */
export type ErrorShape = WireShape | 'ui-data';

export interface Route<Deps> {
  /** One method, several, or `*` for any. */
  readonly method: string | readonly string[];
  /** An exact path, or a pattern whose groups are handed to the handler (still percent-encoded). */
  readonly path: string | RegExp;
  /** The path also answers under `/v1` (OpenAI clients differ on whether the base URL carries it). */
  readonly v1Optional?: boolean;
  readonly access: Access;
  /** Gemini clients may send the key as `?key=` instead of a header. */
  readonly keyInQuery?: boolean;
  readonly errors: ErrorShape;
  /** Paused, the route answers 503 with retry-after (model routes). */
  readonly pausable: boolean;
  /** Health probes and the base URL: answered before the cross-site and wrong-key checks, and left out of the metrics. */
  readonly probe?: boolean;
  /** The path is this row's alone: another method is answered 405, and no later row is tried. */
  readonly ownsPath?: boolean;
  /** A model route returns its outcome, for the request's accounting and log line. */
  readonly handle: (ctx: RequestContext, deps: Deps, params: readonly string[]) => RouteResult;
}

/** What a handler returns: nothing (it answered), or (a model route) the request's outcome. */
type RouteResult = void | RequestOutcome | Promise<void | RequestOutcome>;

/** A row with its dependencies bound: what the dispatcher runs. */
export interface BoundRoute extends Omit<Route<never>, 'handle'> {
  run(ctx: RequestContext, params: readonly string[]): RouteResult;
}

export function bindRoutes<Deps>(rows: readonly Route<Deps>[], deps: Deps): BoundRoute[] {
  return rows.map(({ handle, ...row }) => ({ ...row, run: (ctx, params) => handle(ctx, deps, params) }));
}

type RowShape = Pick<Route<never>, 'method' | 'path' | 'v1Optional' | 'ownsPath'>;

/** The params are shared by every request of the same path: read, never changed. */
export type RouteMatch<R> = { route: R; params: readonly string[] } | { wrongMethod: R } | null;

const V1_PREFIX = '/v1';

function pathParams(row: RowShape, path: string): string[] | null {
  const candidates = row.v1Optional && path.startsWith(`${V1_PREFIX}/`) ? [path, path.slice(V1_PREFIX.length)] : [path];
  for (const candidate of candidates) {
    if (typeof row.path === 'string') {
      if (row.path === candidate) return [];
    } else {
      const match = row.path.exec(candidate);
      if (match) return match.slice(1).map((part) => part ?? '');
    }
  }
  return null;
}

function allows(row: RowShape, method: string): boolean {
  return row.method === '*' || row.method === method || (Array.isArray(row.method) && row.method.includes(method));
}

/** What a table answered per `METHOD path` (rows never change once bound): a client's few paths are matched row by row once. */
const matches = new WeakMap<readonly object[], Map<string, RouteMatch<object>>>();
/** Only short paths are remembered, and at most this many per table (the memory stays small whatever clients send). */
const MAX_MATCHES = 512;
const MAX_MATCH_PATH = 256;

/** The first row for this method and path; a path owned by a row (ownsPath) ends the search. */
export function matchRoute<R extends RowShape>(rows: readonly R[], method: string, path: string): RouteMatch<R> {
  if (path.length > MAX_MATCH_PATH) return scanRows(rows, method, path);
  let known = matches.get(rows);
  if (!known) matches.set(rows, (known = new Map<string, RouteMatch<object>>()));
  const key = `${method} ${path}`;
  const found = known.get(key) as RouteMatch<R> | undefined;
  if (found !== undefined) return found;
  const scanned = scanRows(rows, method, path);
  if (scanned && 'params' in scanned) Object.freeze(scanned.params);
  if (known.size >= MAX_MATCHES) known.clear();
  known.set(key, scanned);
  return scanned;
}

function scanRows<R extends RowShape>(rows: readonly R[], method: string, path: string): RouteMatch<R> {
  for (const row of rows) {
    const params = pathParams(row, path);
    if (params === null) continue;
    if (allows(row, method)) return { route: row, params };
    if (row.ownsPath) return { wrongMethod: row };
  }
  return null;
}

/** `METHOD path` of the exact-path rows that are not metered (probes and /metrics), as finish() checks them. */
export function unmeteredRoutes(rows: readonly Pick<Route<never>, 'method' | 'path' | 'probe' | 'access'>[]): Set<string> {
  const keys = new Set<string>();
  for (const row of rows) {
    if (typeof row.path !== 'string' || !(row.probe || row.access === 'metrics')) continue;
    for (const method of typeof row.method === 'string' ? [row.method] : row.method) keys.add(`${method} ${row.path}`);
  }
  return keys;
}
