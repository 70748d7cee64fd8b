// The one contract between the renderer and the app core. Electron carries it over IPC, the
// browser mode over HTTP (`POST /ui/api/<method>`); both use the same `invoke`. The shapes it
// carries are in api-views.ts and log-views.ts, exported from here too.
import type { AlertEntry, AlertSettings, AlertSettingsView } from './alerts.js';
import type { Result } from './errors.js';
import type { KeyFilter } from './keys.js';
import type {
  DeploymentSettings,
  DeploymentView,
  DiscoveredServer,
  ImportPreview,
  ImportResult,
  KeyPatch,
  KeyView,
  ModelGroupView,
  ProviderInput,
  ProviderTestResult,
  ProviderView,
  RoutingSettings,
  RoutingView,
  StatusView,
  UsageSeries,
} from './api-views.js';
import type { CaptureMode } from './keys.js';
import type { LogEntryDetails, LogEntryView, LogFacets, LogRetentionView, ReplayResult, SessionsQuery, SessionsView } from './log-views.js';
import type { McpImportCandidate, McpImportResult, McpServerInput, McpServerView } from './mcp.js';
import type { RouteExplainRequest, RouteExplanation } from './routes.js';
import type { SearchSettingsInput, SearchSettingsView, SearchTestResult } from './search.js';
import type { UpdateSettings, UpdateView } from './updates.js';

export type * from './api-views.js';
export type * from './log-views.js';
export type * from './search.js';
export type * from './updates.js';
export type * from './mcp.js';

/** The four methods of rows the app lists and edits; an update names the version read (a stale one is a conflict carrying the current row). */
type RowMethods<Name extends string, View, Input> = Record<`${Name}.list`, (request: Record<string, never>) => View[]> &
  Record<`${Name}.create`, (request: Input) => View> &
  Record<`${Name}.update`, (request: Input & { id: string; version: number }) => View> &
  Record<`${Name}.delete`, (request: { id: string }) => { deleted: boolean }>;

/** Every method: its request and its response. Channel names are the keys. */
interface LoopgateApi extends RowMethods<'providers', ProviderView, ProviderInput>, RowMethods<'mcp', McpServerView, McpServerInput> {
  'status.get': (request: Record<string, never>) => StatusView;
  'providers.test': (request: { id: string }) => ProviderTestResult;
  'providers.discover': (request: Record<string, never>) => DiscoveredServer[];
  /** Adds a key to a provider's pool (the first key, when it has none); versioned. */
  'providers.addKey': (request: { id: string; version: number; apiKey: string }) => ProviderView;
  /** Removes the key at `index` of the pool (the next one becomes the first); versioned. */
  'providers.removeKey': (request: { id: string; version: number; index: number }) => ProviderView;
  'models.list': (request: Record<string, never>) => DeploymentView[];
  'models.add': (request: { modelName: string; providerId: string; upstreamModel: string; settings?: Partial<DeploymentSettings> }) => DeploymentView;
  'models.remove': (request: { id: string }) => { deleted: boolean };
  'models.groups': (request: Record<string, never>) => ModelGroupView[];
  /** Edits a stored deployment: its provider model, its group (rename) and settings; versioned. */
  'models.update': (request: { id: string; version: number; modelName?: string; upstreamModel?: string; settings?: Partial<DeploymentSettings> }) => DeploymentView;
  /** Renames a group made in the app (every deployment in it, and the fallbacks and aliases naming it). */
  'models.renameGroup': (request: { from: string; to: string }) => ModelGroupView;
  /** Removes every stored deployment of a group. */
  'models.removeGroup': (request: { name: string }) => { deleted: number };
  /** What would break if a group went away: the keys that name it, the fallbacks and aliases that point at it. */
  'models.references': (request: { name: string }) => { keys: Array<{ id: string; label: string }>; fallbacks: string[]; aliases: string[] };
  /** Copies a config-file group (its providers too) into the app, where it becomes editable and wins over the file. */
  'models.copyFromConfig': (request: { name: string }) => ModelGroupView;
  'routing.get': (request: Record<string, never>) => RoutingView;
  /** Saves every routing setting; names the version it read; a stale version is a conflict carrying the current view. */
  'routing.update': (request: RoutingSettings & { version: number }) => RoutingView;
  /** Copies the config file's routing settings into the app, where they become editable and in force. */
  'routing.copyFromConfig': (request: Record<string, never>) => RoutingView;
  /** Which route a request would take and why: the same decision the gateway makes (shared/routes.ts). */
  'routing.explain': (request: RouteExplainRequest) => RouteExplanation;
  /** The web search provider Loopgate searches with for upstreams that cannot search (the app's, else the config file's). */
  'search.get': (request: Record<string, never>) => SearchSettingsView;
  /** Saves it naming the version read (0: never saved); a stale version is a conflict carrying the current view. */
  'search.update': (request: SearchSettingsInput) => SearchSettingsView;
  /** Runs one search with the given setting (no apiKey: the stored one); a failed search is a result, not an error. */
  'search.test': (request: Omit<SearchSettingsInput, 'version'>) => SearchTestResult;
  'config.export': (request: Record<string, never>) => { yaml: string };
  /** What importing would copy and change (the routing settings field by field, before and after); writes nothing. */
  'config.previewImport': (request: { yaml: string }) => ImportPreview;
  /**
   * Copies the config's models and providers, and its routing settings into the app's. `routingVersion`
   * is the version the preview read: a stale one is a conflict carrying the current routing view, and nothing is imported.
   */
  'config.import': (request: { yaml: string; routingVersion?: number }) => ImportResult;
  'keys.list': (request: { status?: KeyFilter; search?: string; page: number; size: number }) => { keys: KeyView[]; total: number };
  'keys.create': (request: KeyPatch) => { secret: string; key: KeyView };
  'keys.update': (request: KeyPatch & { id: string; version: number }) => KeyView;
  'keys.setActive': (request: { id: string; active: boolean; version: number }) => KeyView;
  'keys.delete': (request: { id: string }) => { deleted: boolean };
  /** The tools (named from their User-Agent) that used a key in the last `days` days, the busiest first. */
  'keys.recentClients': (request: { id: string }) => { clients: string[]; days: number };
  'usage.series': (request: { days: number }) => UsageSeries;
  /**
   * The request log, newest first. keyId '' is the master key. `before` pages on: the time and id
   * of the last entry already shown (rows arriving meanwhile do not shift the pages). start/end: epoch ms.
   */
  'logs.list': (request: {
    keyId?: string;
    model?: string;
    status?: 'ok' | 'error';
    start?: number;
    end?: number;
    before?: { time: number; id: string };
    limit: number;
    /** Only this client session's requests, or this project's. */
    session?: string;
    project?: string;
  }) => LogEntryView[];
  /** Cost, tokens, requests, first/last time and tool per client session (or per project) over the last `days` days, the most recently active first. */
  'usage.sessions': (request: SessionsQuery) => SessionsView;
  /** The models and keys to filter by: every one in the log, not only those on a page. */
  'logs.facets': (request: Record<string, never>) => LogFacets;
  /** One entry with its attempts and final error; not_found once retention has removed it. */
  'logs.get': (request: { id: string }) => LogEntryDetails;
  'logs.retention': (request: Record<string, never>) => LogRetentionView;
  /** Saves retention naming the version read and applies it at once; a stale version is a conflict carrying the current view. */
  'logs.setRetention': (request: { days: number; maxMegabytes: number; capture?: CaptureMode; version: number }) => LogRetentionView;
  /** Sends a captured request again, as the master key, to a model group (its own or another); its row is marked as a replay of `id`. */
  'logs.replay': (request: { id: string; group: string }) => ReplayResult;
  /** The recent alerts, newest first (the bell). */
  'alerts.list': (request: Record<string, never>) => AlertEntry[];
  'alerts.settings': (request: Record<string, never>) => AlertSettingsView;
  /** Saves every alert setting naming the version read; a stale version is a conflict carrying the current view. */
  'alerts.updateSettings': (request: AlertSettings & { version: number }) => AlertSettingsView;
  // mcp.list, .create, .update and .delete (RowMethods): the servers /mcp serves (the app's and the config file's), each
  // with its state, tools and last error; an update keeps the env values and headers it leaves without a value.
  /** Starts a server now, so its tools, or why it cannot start, show. */
  'mcp.start': (request: { name: string }) => McpServerView;
  /** The MCP servers Claude Code, Codex, Gemini CLI and opencode declare in their config files (read only). */
  'mcp.importPreview': (request: Record<string, never>) => McpImportCandidate[];
  /** Adds the chosen servers found by mcp.importPreview; one whose name is taken is skipped. */
  'mcp.import': (request: { servers: Array<{ tool: string; name: string }> }) => McpImportResult;
  /** The desktop app puts `loopgate` on the PATH; elsewhere (browser mode) it answers invalid_request. */
  'shell.installCommand': (request: Record<string, never>) => InstallCommandResult;
  /** The desktop app stops its gateway (one flush) and starts it again on the same port; elsewhere (browser mode) it answers invalid_request. */
  'shell.restartGateway': (request: Record<string, never>) => { url: string };
  /** The desktop app's self-update: settings and where it is; elsewhere (browser mode) these answer invalid_request. */
  'updates.get': (request: Record<string, never>) => UpdateView;
  /** Turns updates on or off and picks the channel; turning them on (or a new channel) looks at once. */
  'updates.configure': (request: UpdateSettings) => UpdateView;
  'updates.check': (request: Record<string, never>) => UpdateView;
  /** Quits (after the usual flush), installs the downloaded update and opens the new version. */
  'updates.restart': (request: Record<string, never>) => { restarting: boolean };
}

export interface InstallCommandResult {
  installed: boolean;
  /** The link or script that now runs `loopgate`. */
  path: string;
  /** Said to the person: what happened and what to do next. */
  message: string;
}

export type ApiMethod = keyof LoopgateApi;
export type ApiRequest<M extends ApiMethod> = Parameters<LoopgateApi[M]>[0];
export type ApiResponse<M extends ApiMethod> = ReturnType<LoopgateApi[M]>;

// The compiler checks this table against the contract: a method missing here, or one too many, is an error.
const METHODS = {
  'status.get': true,
  'providers.list': true,
  'providers.create': true,
  'providers.update': true,
  'providers.delete': true,
  'providers.test': true,
  'providers.discover': true,
  'providers.addKey': true,
  'providers.removeKey': true,
  'models.list': true,
  'models.add': true,
  'models.remove': true,
  'models.groups': true,
  'models.update': true,
  'models.renameGroup': true,
  'models.removeGroup': true,
  'models.references': true,
  'models.copyFromConfig': true,
  'routing.get': true,
  'routing.update': true,
  'routing.copyFromConfig': true,
  'routing.explain': true,
  'search.get': true,
  'search.update': true,
  'search.test': true,
  'config.export': true,
  'config.previewImport': true,
  'config.import': true,
  'keys.list': true,
  'keys.create': true,
  'keys.update': true,
  'keys.setActive': true,
  'keys.delete': true,
  'keys.recentClients': true,
  'usage.series': true,
  'usage.sessions': true,
  'logs.list': true,
  'logs.facets': true,
  'logs.get': true,
  'logs.retention': true,
  'logs.setRetention': true,
  'shell.installCommand': true,
  'shell.restartGateway': true,
  'logs.replay': true,
  'alerts.list': true,
  'alerts.settings': true,
  'alerts.updateSettings': true,
  'updates.get': true,
  'updates.configure': true,
  'updates.check': true,
  'updates.restart': true,
  'mcp.list': true,
  'mcp.create': true,
  'mcp.update': true,
  'mcp.delete': true,
  'mcp.start': true,
  'mcp.importPreview': true,
  'mcp.import': true,
} as const satisfies Record<ApiMethod, true>;

export const API_METHODS = Object.keys(METHODS) as ApiMethod[];

export function isApiMethod(value: string): value is ApiMethod {
  return Object.hasOwn(METHODS, value);
}

/** The one generic call both transports implement. Errors come back as data, never thrown across. */
export type Invoke = <M extends ApiMethod>(method: M, request: ApiRequest<M>) => Promise<Result<ApiResponse<M>>>;

/** What the core implements: each method may be async. */
export type ApiHandlers = { [M in ApiMethod]: (request: ApiRequest<M>) => ApiResponse<M> | Promise<ApiResponse<M>> };

export type { Result };

/** The IPC channel for a method. */
export function channelFor(method: ApiMethod): string {
  return `loopgate:${method}`;
}
