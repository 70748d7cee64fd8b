// What the app's screens read and send: status, instances, providers, models and groups,
// routing, config import, keys and usage. Part of the contract in api.ts.
import type { KeySettings, KeyStatus, VirtualKey } from './keys.js';
import type { RoutingStrategy } from './routing.js';
import type { RouteSetting } from './routes.js';

export interface StatusView {
  version: string;
  baseUrl: string;
  dataDir: string;
  /** How provider secrets are protected at rest, said plainly in the UI. */
  secretProtection: 'key-file' | 'os-keychain';
  running: boolean;
  /** Paused from the tray (or the API): model routes answer 503 until resumed; the admin UI keeps working. */
  paused: boolean;
  /** Today's (UTC) totals; `failures` of the requests failed (one the client stopped is not a failure). */
  today: { requests: number; failures: number; tokens: number; spend: number };
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
  /** `passthrough`: each tool signs in with its own account (Claude Code's login), used by that tool only; no key is kept. */
  credential: ProviderCredentialMode;
  version: number;
  /** From the config file: shown, not editable here. */
  readOnly: boolean;
  /** The proxy setting: a URL (http://, socks5://), `direct`, or null to follow HTTPS_PROXY / NO_PROXY. */
  proxy: string | null;
  /** Which proxy a call to this provider would take now. */
  route: UpstreamProxyView;
  /** Each key of its pool, masked, with its live state; requests rotate over them. Empty when it holds no key. */
  keys: ProviderKeyView[];
}

/** One key of a provider's pool as the app shows it: its last four characters and what the gateway knows of it now. */
export interface ProviderKeyView {
  hint: string;
  /** `cooling`: the upstream limited it (429) or found it out of quota; the other keys serve meanwhile. */
  state: 'ready' | 'cooling';
  /** Epoch ms; null when ready. */
  coolingUntil: number | null;
  /** The upstream's last error for this key (credentials masked), until it next serves. */
  lastError: string | null;
  /** Requests sent with it since the gateway started. */
  uses: number;
}

/** How an upstream call leaves this machine, and why that way. */
export interface UpstreamProxyView {
  via: 'direct' | 'http' | 'socks5';
  /** The proxy's address, password masked; null when direct. */
  proxy: string | null;
  /** `provider`: its own setting; `HTTPS_PROXY` / `HTTP_PROXY`: the environment; `no_proxy`: listed in NO_PROXY; `loopback` / `local_provider`: never proxied; `system`: the operating system's proxy settings (desktop app); `none`: no proxy is set. */
  reason: 'provider' | 'HTTPS_PROXY' | 'HTTP_PROXY' | 'no_proxy' | 'loopback' | 'local_provider' | 'system' | 'none';
}

/** Whose credential reaches the provider: the key saved here, or each client's own sign-in (anthropic only). */
export type ProviderCredentialMode = 'key' | 'passthrough';

export interface ProviderInput {
  name: string;
  family: string;
  apiBase: string | null;
  /** Omit to keep the stored key. */
  apiKey?: string;
  /** Omit to keep the mode; `passthrough` drops a saved key, `key` then needs one. */
  credential?: ProviderCredentialMode;
  /** Omit to keep it; a proxy URL (http://, socks5://), `direct`, or null (follow the environment). */
  proxy?: string | null;
}

export interface ProviderTestResult {
  /** Whether a key of the provider lists its models (the first that does gives `models`). */
  ok: boolean;
  models: string[];
  /** Why none did: the first key's failure. */
  error: string | null;
  /** A pool's keys one by one (its last four characters, and whether it works); empty for a single key. */
  keys: Array<{ hint: string; ok: boolean; error: string | null }>;
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
  /** Failures a deployment may have within a minute before it cools down. */
  allowedFails: number;
  cooldownSeconds: number;
  fallbacks: Record<string, string[]>;
  contextWindowFallbacks: Record<string, string[]>;
  contentPolicyFallbacks: Record<string, string[]>;
  defaultFallbacks: string[];
  maxFallbacks: number;
  modelGroupAlias: Record<string, ModelGroupAliasSetting>;
  cache: { enabled: boolean; ttlSeconds: number; maxEntries: number };
  /** LiteLLM's drop_params for deployments that do not set their own. */
  dropParams: boolean;
  /** Routes by what a request is, in order; the first enabled one that matches wins (shared/routes.ts). */
  routes: RouteSetting[];
  /** The local group that serves cloud groups while the cloud is unreachable (router_settings.offline_fallback); null: off. */
  offlineFallback: string | null;
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
  /** Virtual keys the import would make (claude-code-router's APIKEY), by alias; absent when none. */
  keys?: string[];
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
  /** Virtual keys the import made (claude-code-router's APIKEY), by alias; absent when none. */
  keys?: string[];
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
  /** Of the requests, how many failed (status 400 and up, not counting those the client stopped). */
  failures: number;
  tokens: number;
  cost: number;
  /** Input tokens read from a provider's prompt cache, and the USD that saved (cache writes' extra cost taken off). */
  cacheReadTokens: number;
  cacheSavings: number;
}

export interface UsageSeries {
  days: UsagePoint[];
  byModel: Array<{ model: string; requests: number; failures: number; tokens: number; cost: number }>;
  byKey: Array<{ keyId: string; label: string; requests: number; failures: number; tokens: number; cost: number }>;
}
