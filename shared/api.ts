// The one contract between the renderer and the app core. Electron carries it over IPC, the
// browser mode over HTTP (`POST /ui/api/<method>`); both use the same `invoke`.
import type { Result } from './errors.js';
import type { KeySettings, KeyStatus, VirtualKey } from './keys.js';

export interface StatusView {
  version: string;
  baseUrl: string;
  dataDir: string;
  /** How provider secrets are protected at rest, said plainly in the UI. */
  secretProtection: 'key-file' | 'os-keychain';
  running: boolean;
  today: { requests: number; tokens: number; spend: number };
  counts: { providers: number; models: number; keys: number };
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

export interface DeploymentView {
  id: string;
  modelName: string;
  provider: string;
  upstreamModel: string;
  apiBase: string;
  state: 'healthy' | 'cooling';
  readOnly: boolean;
}

export interface RoutingView {
  strategy: string;
  numRetries: number;
  allowedFails: number;
  cooldownSeconds: number;
  fallbacks: Record<string, string[]>;
  cache: boolean;
}

export interface ImportResult {
  providers: number;
  models: number;
  /** Parts of the file the import did not copy, said plainly (e.g. router_settings). */
  skipped: string[];
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
  cost: number;
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
  'models.add': (request: { modelName: string; providerId: string; upstreamModel: string }) => DeploymentView;
  'models.remove': (request: { id: string }) => { deleted: boolean };
  'routing.get': (request: Record<string, never>) => RoutingView;
  'config.export': (request: Record<string, never>) => { yaml: string };
  'config.import': (request: { yaml: string }) => ImportResult;
  'keys.list': (request: { status?: KeyStatus; search?: string; page: number; size: number }) => { keys: KeyView[]; total: number };
  'keys.create': (request: KeyPatch) => { secret: string; key: KeyView };
  'keys.update': (request: KeyPatch & { id: string; version: number }) => KeyView;
  'keys.setActive': (request: { id: string; active: boolean; version: number }) => KeyView;
  'keys.delete': (request: { id: string }) => { deleted: boolean };
  'usage.series': (request: { days: number }) => UsageSeries;
  'logs.list': (request: { keyId?: string; model?: string; status?: 'ok' | 'error'; limit: number }) => LogEntryView[];
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
  'routing.get': true,
  'config.export': true,
  'config.import': true,
  'keys.list': true,
  'keys.create': true,
  'keys.update': true,
  'keys.setActive': true,
  'keys.delete': true,
  'usage.series': true,
  'logs.list': true,
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
