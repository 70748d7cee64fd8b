// The one contract between the renderer and the app core. Electron carries it over IPC, the
// browser mode over HTTP (`POST /ui/api/<method>`); both use the same `invoke`.
import type { ErrorCode, Result } from './errors.js';
import type { KeySettings, KeyStatus, VirtualKey } from './keys.js';
import type { RoutingStrategy } from './routing.js';

export interface StatusView {
  version: string;
  baseUrl: string;
  dataDir: string;
  /** How provider secrets are protected at rest, said plainly in the UI. */
  secretProtection: 'key-file' | 'os-keychain';
  running: boolean;
  /** Paused from the tray (or the API): model routes answer 503 until resumed; the admin UI keeps working. */
  paused: boolean;
  today: { requests: number; tokens: number; spend: number };
  counts: { providers: number; models: number; keys: number };
  /** A team server (a shared store or Redis): the instances whose heartbeat has not expired. Null on a laptop. */
  instances: InstancesView | null;
}

/** One running gateway instance, as its last heartbeat described it. */
export interface InstanceView {
  id: string;
  /** The machine's host name. */
  host: string;
  /** Where it listens (host:port as bound, e.g. 0.0.0.0:4000). */
  address: string;
  version: string;
  /** Epoch ms, on that instance's clock. */
  startedAt: number;
  /** Epoch ms, on the clock of the instance answering (skew-free: derived from the heartbeat's remaining lifetime). */
  lastSeen: number;
  store: 'sqljs' | 'postgres';
  redis: 'connected' | 'unavailable' | 'off';
  /** The instance answering this status. */
  self: boolean;
}

export interface InstancesView {
  /** Where heartbeats are kept: Redis when configured, else the shared PostgreSQL. */
  registry: 'redis' | 'postgres';
  /** False while the registry cannot be read (an outage): `live` then holds this instance only. */
  available: boolean;
  /** When the list was read (epoch ms, the answering instance's clock). */
  checkedAt: number;
  /** A heartbeat older than this is gone. */
  expiryMs: number;
  live: InstanceView[];
}

export interface ProviderView {
  id: string;
  name: string;
  family: string;
  apiBase: string | null;
  /** Last four characters of the key; the key itself never crosses this boundary. */
  keyHint: string | null;
  version: number;
  /** From the config file: shown, not editable here. */
  readOnly: boolean;
}

export interface ProviderInput {
  name: string;
  family: string;
  apiBase: string | null;
  /** Omit to keep the stored key. */
  apiKey?: string;
}

export interface ProviderTestResult {
  ok: boolean;
  models: string[];
  error: string | null;
}

export interface DiscoveredServer {
  family: 'ollama' | 'lm_studio';
  apiBase: string;
  models: string[];
}

/** Where a setting or a deployment is defined. The app's (the store's) win over the file's for the same name. */
export type SettingSource = 'defaults' | 'config file' | 'app';

/** What can be set on one deployment; null means "the routing default". */
export interface DeploymentSettings {
  /** simple-shuffle picks by weight (else rpm, else tpm). */
  weight: number | null;
  /** Priority: the lowest order with an available deployment is used first. */
  order: number | null;
  rpm: number | null;
  tpm: number | null;
  timeoutSeconds: number | null;
  /** A disabled deployment is listed but never chosen. */
  enabled: boolean;
  /** USD per token, overriding the price data set. */
  inputCostPerToken: number | null;
  outputCostPerToken: number | null;
  /** Drop request fields the provider cannot take instead of answering 400; null: the routing setting. */
  dropParams: boolean | null;
}

/** A deployment's state right now, as the router sees it. */
export interface DeploymentLive {
  state: 'healthy' | 'cooling' | 'failing' | 'disabled';
  /** Epoch ms; set while cooling. */
  coolingUntil: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  inFlight: number;
  /** Requests in the last minute. */
  requestsLastMinute: number;
  /** Moving average of time to first byte, ms. */
  latencyMs: number | null;
}

export interface DeploymentView {
  id: string;
  modelName: string;
  provider: string;
  /** The stored provider it runs on; null for a config-file deployment. */
  providerId: string | null;
  upstreamModel: string;
  apiBase: string;
  settings: DeploymentSettings;
  /** 0 for a config-file deployment (not editable here). */
  version: number;
  source: 'config file' | 'app';
  /** False when the app defines the same group, which then wins over the file's. */
  inForce: boolean;
  live: DeploymentLive;
  /** Kept for the first views: true for a config-file deployment. */
  readOnly: boolean;
  /** Kept for the first views: live.state. */
  state: DeploymentLive['state'];
}

/** A model group: the name clients ask for, with its deployments. */
export interface ModelGroupView {
  name: string;
  source: 'config file' | 'app';
  deployments: DeploymentView[];
  /** Other names that route here (model_group_alias). */
  aliases: string[];
}

export interface ModelGroupAliasSetting {
  model: string;
  /** Routes, but is not listed in /v1/models. */
  hidden: boolean;
}

/** Every routing setting, in LiteLLM's vocabulary (seconds where LiteLLM uses seconds). */
export interface RoutingSettings {
  strategy: RoutingStrategy;
  numRetries: number;
  /** Minimum seconds before a retry. */
  retryAfterSeconds: number;
  /** Request timeout for deployments that set none. */
  timeoutSeconds: number;
  /** Time to the first stream byte; null for none. */
  streamTimeoutSeconds: number | null;
  allowedFails: number;
  cooldownSeconds: number;
  fallbacks: Record<string, string[]>;
  contextWindowFallbacks: Record<string, string[]>;
  contentPolicyFallbacks: Record<string, string[]>;
  defaultFallbacks: string[];
  maxFallbacks: number;
  modelGroupAlias: Record<string, ModelGroupAliasSetting>;
  cache: { enabled: boolean; ttlSeconds: number; maxEntries: number };
  dropParams: boolean;
}

export interface RoutingView extends RoutingSettings {
  /** The version an edit names; 0 while the app has never saved routing settings. */
  version: number;
  /** Which settings are in force: the app's, else the config file's, else the defaults. */
  source: SettingSource;
  /** True when a config file defines routing settings (they can be copied here to edit). */
  configFileHasSettings: boolean;
}

/** One routing setting an import changes: where in the file it comes from, its value now and after. */
export interface RoutingChange {
  field: keyof RoutingSettings;
  /** The file's setting, in LiteLLM's names: `router_settings.num_retries`. */
  from: string;
  before: RoutingSettings[keyof RoutingSettings];
  after: RoutingSettings[keyof RoutingSettings];
}

/** What importing a config would do, shown before it is confirmed. Nothing is written. */
export interface ImportPreview {
  /** Model groups the import copies into the app, and how many deployments. */
  groups: string[];
  models: number;
  /** Providers it would create (others are reused: same family, URL and key). */
  providers: number;
  /** The routing settings' version now: the import names it, as any routing edit does. */
  routingVersion: number;
  /** Each routing setting that changes; empty when the file sets none, or sets them as they are. */
  routing: RoutingChange[];
  /** Parts of the file the import does not copy, each named (and why, where it says). */
  skipped: string[];
}

export interface ImportResult {
  providers: number;
  models: number;
  /** Parts of the file the import did not copy, said plainly (e.g. general_settings). */
  skipped: string[];
  /** The routing settings after the import (the imported ones in force when the file set any). */
  routing: RoutingView;
  /** How many routing settings the import changed. */
  routingChanged: number;
}

/**
 * What a key create or edit may set. An absent field keeps its value (on create: the default),
 * null clears it. The app and LiteLLM's /key/* API send the same patch, checked by the same rules.
 * Times are not set directly: `duration` ("30d") expires the key that long from now, null never.
 */
export type KeyPatch = Partial<Omit<KeySettings, 'expiresAt' | 'budgetResetAt'>> & { duration?: string | null };

export interface KeyView extends VirtualKey {
  status: KeyStatus;
}

export interface UsagePoint {
  day: string;
  requests: number;
  tokens: number;
  cost: number;
}

export interface UsageSeries {
  days: UsagePoint[];
  byModel: Array<{ model: string; requests: number; tokens: number; cost: number }>;
  byKey: Array<{ keyId: string; label: string; requests: number; tokens: number; cost: number }>;
}

export interface LogEntryView {
  id: string;
  time: number;
  keyId: string | null;
  keyLabel: string;
  model: string | null;
  deployment: string | null;
  status: number;
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
  /** USD, full precision (formatting is the view's). */
  cost: number;
  /** How many deployments were tried (0: refused before any, e.g. an unknown model or a spent budget). */
  attemptCount: number;
  /** Why it failed, in Loopgate's error codes; null for a success. */
  errorCode: ErrorCode | null;
}

/** One try on one deployment, kept for failed and retried requests. */
export interface LogAttemptView {
  /** 1-based, across retries and fallbacks. */
  number: number;
  /** The deployment's id (as in models.list) and a readable name for it (`family/upstream model`). */
  deployment: string;
  deploymentLabel: string;
  /** The model group tried: the one asked for, or a fallback group. */
  group: string;
  /** How this try came about. */
  via: 'first' | 'retry' | 'fallback';
  /** For a fallback, which kind of fallback was taken. */
  fallbackKind: 'general' | 'context_window' | 'content_policy' | null;
  outcome: 'ok' | 'failed';
  /** The upstream's HTTP status when it answered; null when it did not (timeout, unreachable). */
  status: number | null;
  /** For a failure: Loopgate's code for it (upstream, timeout, upstream_unreachable, ...). */
  errorCode: ErrorCode | null;
  /** For a failure: what the router made of it (retryable, context_window, content_policy, client). */
  failureKind: 'retryable' | 'context_window' | 'content_policy' | 'client' | null;
  /** For a failure: why, short (at most 200 characters), with anything that looks like a secret masked. */
  reason: string | null;
  latencyMs: number;
}

/** One request's details: the log row, every attempt, and the final error. */
export interface LogEntryDetails extends LogEntryView {
  /** Empty for a request served on its first try. */
  attempts: LogAttemptView[];
  error: { code: ErrorCode; message: string } | null;
}

/** Every model and key with rows in the request log, for the log's filters. */
/** How much request log is kept; older rows, then the oldest past the size, are removed automatically. */
export interface LogRetentionView {
  days: number;
  maxMegabytes: number;
  /** The version an edit names; 0 while the app has never saved retention. */
  version: number;
  /** The app's setting, else the config file's maximum_spend_logs_retention_period, else the defaults. */
  source: 'app' | 'config file' | 'defaults';
  /** What the log holds now, in MB. */
  sizeMegabytes: number;
}

export interface LogFacets {
  models: string[];
  /** keyId '' is the master key. */
  keys: Array<{ keyId: string; label: string }>;
}

/**
 * POST /ui/playground (browser mode and Electron alike: the window is signed in). A streamed
 * answer (`stream: true`) carries usage in its last chunk, and after the upstream's `[DONE]`
 * one more `data:` event with this summary.
 */
export interface PlaygroundSummary {
  object: 'loopgate.summary';
  /** The model asked for, and the group that answered (a fallback's, when one was taken). */
  requested: string;
  model: string;
  /** The deployment that answered: readable name, and its id (as in models.list). */
  deployment: string;
  deploymentId: string;
  attempts: number;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number } | null;
  /** From the request reaching Loopgate to the end of the stream. */
  latencyMs: number;
  timeToFirstByteMs: number;
  /** The request log's id for this answer (logs.get has cost and every attempt once it is counted). */
  logId: string;
}

/** A Playground request that failed answers `{ error: PlaygroundFailure }` with the final HTTP status. */
export interface PlaygroundFailure {
  /** For the person: what failed and the next step; deployments by name, no internal ids. */
  message: string;
  code: ErrorCode;
  /** The status the request ended with (the upstream's, when it answered). */
  status: number;
  /** The model asked for. */
  model: string | null;
  /** The deployment tried last, by readable name, and its id; null when none was tried. */
  deployment: string | null;
  deploymentId: string | null;
  /** The next step alone, e.g. "Check the provider's API key in Providers." */
  hint: string;
}

/** Every method: its request and its response. Channel names are the keys. */
interface LoopgateApi {
  'status.get': (request: Record<string, never>) => StatusView;
  'providers.list': (request: Record<string, never>) => ProviderView[];
  'providers.create': (request: ProviderInput) => ProviderView;
  'providers.update': (request: ProviderInput & { id: string; version: number }) => ProviderView;
  'providers.delete': (request: { id: string }) => { deleted: boolean };
  'providers.test': (request: { id: string }) => ProviderTestResult;
  'providers.discover': (request: Record<string, never>) => DiscoveredServer[];
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
  'config.export': (request: Record<string, never>) => { yaml: string };
  /** What importing would copy and change (the routing settings field by field, before and after); writes nothing. */
  'config.previewImport': (request: { yaml: string }) => ImportPreview;
  /**
   * Copies the config's models and providers, and its routing settings into the app's. `routingVersion`
   * is the version the preview read: a stale one is a conflict carrying the current routing view, and nothing is imported.
   */
  'config.import': (request: { yaml: string; routingVersion?: number }) => ImportResult;
  'keys.list': (request: { status?: KeyStatus; search?: string; page: number; size: number }) => { keys: KeyView[]; total: number };
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
  }) => LogEntryView[];
  /** The models and keys to filter by: every one in the log, not only those on a page. */
  'logs.facets': (request: Record<string, never>) => LogFacets;
  /** One entry with its attempts and final error; not_found once retention has removed it. */
  'logs.get': (request: { id: string }) => LogEntryDetails;
  'logs.retention': (request: Record<string, never>) => LogRetentionView;
  /** Saves retention naming the version read and applies it at once; a stale version is a conflict carrying the current view. */
  'logs.setRetention': (request: { days: number; maxMegabytes: number; version: number }) => LogRetentionView;
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
  'logs.list': true,
  'logs.facets': true,
  'logs.get': true,
  'logs.retention': true,
  'logs.setRetention': true,
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
