// Config owns reading LiteLLM-format YAML into the gateway's prepared, validated settings.
// Everything here runs once at start-up; the request path only reads the result.
import { readFile } from 'node:fs/promises';
import { isScalar, parseDocument, visit, YAMLParseError, type Document } from 'yaml';
import { parseDuration, type CaptureMode } from '../../shared/keys.js';
import type { RouteSetting } from '../../shared/routes.js';
import type { SecretGuardSettings } from '../../shared/secret-guard.js';
import type { DeploymentConfig } from '../core/deployment.js';
import { bySpecificity, compilePattern, isPattern, matchPattern } from '../core/model-names.js';
import type { ModelGroupAlias, RouterSettings } from '../core/routing.js';
import type { AlertSettings } from '../../shared/alerts.js';
import { alertSettings } from './alerts.js';
import { caCertificates } from './ca-certs.js';
import { ConfigError, type Environment } from './config-error.js';
import { DEFAULT_TIMEOUT_SECONDS, toDeployment } from './deployment.js';
import { environmentLookup, resolveValue, type Lookup } from './environment.js';
import { mcpServers, type McpServerConfig } from './mcp-servers.js';
import { redisSettings, type RedisSettings } from './redis.js';
import { formatPath } from './path.js';
import { configFileSchema, type ConfigFile } from './schema.js';
import { unsupportedKeys } from './unsupported.js';
import { searchProvider, type ConfigSearchProvider } from './search.js';

export interface GatewayConfig {
  source: string | null;
  masterKey: string | null;
  deployments: DeploymentConfig[];
  routing: RouterSettings;
  /** The opt-in response cache; null when off. */
  cache: CacheSettings | null;
  /** The Redis several instances share (limits, cooldowns, cache, change events); null: all in this process. */
  redis: RedisSettings | null;
  /** Background health checks every this often; null when off. */
  healthCheckIntervalMs: number | null;
  modelGroupAlias: Record<string, ModelGroupAlias>;
  /** router_settings.routes: routes by what a request is, each `to` a model that routes. */
  routes: RouteSetting[];
  /** How long request-log rows are kept (LiteLLM's maximum_spend_logs_retention_period); null when the file sets none. */
  logRetentionMs: number | null;
  /** Which requests keep their bodies in the request log (off unless opted in); the app's setting and a key's own win. */
  capture: CaptureMode;
  /** The router's timeouts, for deployments that set none (router_settings.timeout, stream_timeout). */
  timeouts: { requestMs: number; streamMs: number | null };
  /** The network edge: extra host names, the body limit, whether /metrics is open on loopback. */
  security: SecuritySettings;
  /** PostgreSQL for the store (general_settings.database_url, else DATABASE_URL); null: the embedded store. */
  databaseUrl: string | null;
  /** An OTLP/HTTP collector for request traces (general_settings.otel_endpoint); null: none unless the environment names one. */
  otelEndpoint: string | null;
  /** The first of search_tools: how web search runs for upstreams that cannot search; null when the file sets none. */
  webSearch: ConfigSearchProvider | null;
  /** general_settings.alerts; null when the file sets none (the app's, or the defaults, are in force). */
  alerts: AlertSettings | null;
  /** router_settings.offline_fallback: the local group that serves cloud groups while the network is gone; null: off. */
  offlineFallback: OfflineFallbackSettings | null;
  /** Extra CA certificates (PEM) upstream TLS trusts besides Node's and NODE_EXTRA_CA_CERTS (general_settings.ca_certs). */
  caCerts: string[];
  /** The MCP servers /mcp aggregates (mcp_servers or mcpServers in the file). */
  mcpServers: McpServerConfig[];
  /** The secret guard on outgoing prompts (general_settings.secret_guard); off unless set. */
  secretGuard: SecretGuardSettings;
  /** Settings present in the file that Loopgate ignores; reported in one start-up warning. */
  unsupported: string[];
  /** What start-up says besides: deployments that cannot serve and why, a cache kind replaced by the local one. */
  warnings: string[];
}

interface OfflineFallbackSettings {
  group: string;
  probeIntervalMs: number;
  minStateMs: number;
}

interface SecuritySettings {
  allowedHosts: string[];
  maxBodyBytes: number;
  openMetricsOnLoopback: boolean;
}

export type { RedisSettings } from './redis.js';

export interface CacheSettings {
  ttlMs: number;
  maxEntries: number;
}

/** LiteLLM's defaults: two retries, three fails a minute, five seconds of cooldown, five fallbacks. */
const ROUTER_DEFAULTS = { numRetries: 2, allowedFails: 3, cooldownSeconds: 5, maxFallbacks: 5, cacheTtlSeconds: 600, cacheEntries: 1000 };

export { ConfigError, type Environment } from './config-error.js';
export type { McpServerConfig } from './mcp-servers.js';
export { DEFAULT_IDLE_SECONDS as MCP_DEFAULT_IDLE_SECONDS, SERVER_NAME as MCP_SERVER_NAME } from './mcp-servers.js';

export interface ConfigOptions {
  env: Environment;
  source?: string;
  /**
   * Whether DATABASE_URL and REDIS_URL pick the store and the Redis: `loopgate serve` only (a
   * server's environment names its services). The desktop app reads them from its config file
   * alone, so a variable left over in a laptop's shell never switches its store.
   */
  serverEnv?: boolean;
  /** Model names that exist besides the file's (an import into the app: its groups), so fallbacks and aliases may name them. */
  knownModels?: readonly string[];
}

export function emptyConfig(env: Environment = {}, options: { serverEnv?: boolean } = {}): GatewayConfig {
  return parseConfig({}, { env, ...options });
}

export async function loadConfigFile(file: string, env: Environment, options: { serverEnv?: boolean } = {}): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError('', `cannot read config file ${file}: ${(error as Error).message}`);
  }
  return parseConfigText(text, { env, source: file, ...options });
}

export function parseConfigText(text: string, options: ConfigOptions): GatewayConfig {
  try {
    return parseConfigSource(text, options);
  } catch (error) {
    // An error quotes the config, which may hold resolved `os.environ/` secrets.
    throw error instanceof ConfigError ? error.redacting(options.env) : error;
  }
}

function parseConfigSource(text: string, options: ConfigOptions): GatewayConfig {
  let raw: unknown;
  try {
    const document = parseDocument(text);
    if (document.errors.length > 0) throw document.errors[0]!;
    asPyYaml(document);
    raw = document.toJS() ?? {};
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new ConfigError('', `the config file is not valid YAML${where}: ${(error as Error).message}`);
  }
  return parseConfig(raw, options);
}

const YAML11_NUMBER = /^[-+]?\d[\d_]*(?:\.[\d_]*)?(?:[eE][-+]?\d+)?$/;
/**
 * LiteLLM reads its config with PyYAML, a YAML 1.1 reader: unquoted `20_000` is 20000. Only such
 * numbers are read the 1.1 way; `yes` / `off` stay text (YAML 1.2), so a model id `off` stays a name.
 */
function asPyYaml(document: Document): void {
  visit(document, {
    Pair(_, pair) {
      const value = pair.value;
      if (!isScalar(value) || value.type !== 'PLAIN' || typeof value.source !== 'string') return;
      const source = value.source;
      if (source.includes('_') && YAML11_NUMBER.test(source)) value.value = Number(source.replace(/_/g, ''));
    },
  });
}

function parseConfig(raw: unknown, options: ConfigOptions): GatewayConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('', 'expected the config to be a mapping with model_list, router_settings, ...');
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(formatPath(issue.path), issue.message);
  }
  const file = parsed.data;
  const lookup = environmentLookup(file, options.env);
  const unsupported = unsupportedKeys(configFileSchema, raw);
  const defaults = {
    timeout: file.router_settings?.timeout ?? file.litellm_settings?.request_timeout ?? DEFAULT_TIMEOUT_SECONDS,
    streamTimeout: file.router_settings?.stream_timeout ?? null,
  };
  const warnings: string[] = [];
  const deployments = (file.model_list ?? []).map((entry, index) => toDeployment(entry, index, defaults, lookup, warnings));
  const masterKey = file.general_settings?.master_key ? resolveValue(file.general_settings.master_key, 'general_settings.master_key', lookup) : (options.env.LOOPGATE_MASTER_KEY ?? null);

  const inFile = routableNames(deployments);
  const elsewhere = new Set(options.knownModels ?? []);
  const routes = (name: string): boolean => inFile(name) || elsewhere.has(name);
  const modelGroupAlias = groupAliases(file, routes);
  const known = (name: string): boolean => routes(name) || name in modelGroupAlias;
  const serverEnv: Environment = options.serverEnv ? options.env : {};
  const redis = redisSettings(file.router_settings ?? {}, lookup, serverEnv.REDIS_URL, warnings, (path, message) => {
    throw new ConfigError(path, message);
  });
  const ids = new Set(deployments.map((d) => d.id));
  return {
    source: options.source ?? null,
    masterKey: masterKey || null,
    deployments,
    routing: routerSettings(file, known, ids),
    cache: cacheSettings(file, warnings, redis !== null),
    redis,
    healthCheckIntervalMs: file.general_settings?.background_health_checks ? (file.general_settings.health_check_interval ?? 300) * 1000 : null,
    modelGroupAlias,
    routes: fileRoutes(file, known),
    logRetentionMs: file.general_settings?.maximum_spend_logs_retention_period ? parseDuration(file.general_settings.maximum_spend_logs_retention_period) : null,
    capture: file.general_settings?.capture_bodies ?? (file.general_settings?.store_prompts_in_spend_logs ? 'all' : 'off'),
    timeouts: { requestMs: defaults.timeout * 1000, streamMs: defaults.streamTimeout === null ? null : defaults.streamTimeout * 1000 },
    security: {
      allowedHosts: (file.general_settings?.allowed_hosts ?? []).map((name) => name.toLowerCase()),
      maxBodyBytes: Math.round((file.general_settings?.max_request_size_mb ?? 20) * 1024 * 1024),
      openMetricsOnLoopback: file.general_settings?.open_metrics_on_loopback ?? false,
    },
    databaseUrl: databaseUrl(file, lookup, serverEnv),
    otelEndpoint: file.general_settings?.otel_endpoint ?? null,
    webSearch: searchProvider(file.search_tools, lookup),
    alerts: alertSettings(file.general_settings?.alerts, lookup),
    offlineFallback: offlineFallback(file, known),
    caCerts: caCertificates(file.general_settings?.ca_certs, options.source ?? null),
    mcpServers: fileMcpServers(file, lookup),
    secretGuard: secretGuardSettings(file),
    unsupported,
    warnings,
  };
}

/** One block of MCP servers, under either spelling (both at once would leave a reader guessing which wins). */
function fileMcpServers(file: ConfigFile, lookup: Lookup): McpServerConfig[] {
  if (file.mcp_servers && file.mcpServers) throw new ConfigError('mcpServers', 'expected one of mcp_servers and mcpServers, not both');
  return file.mcpServers ? mcpServers(file.mcpServers, 'mcpServers', lookup) : mcpServers(file.mcp_servers, 'mcp_servers', lookup);
}

function secretGuardSettings(file: ConfigFile): SecretGuardSettings {
  const given = file.general_settings?.secret_guard ?? 'off';
  return typeof given === 'string' ? { mode: given, scanLocal: false } : { mode: given.mode, scanLocal: given.scan_local ?? false };
}

/** router_settings.model_group_alias, each alias naming a model that routes. */
function groupAliases(file: ConfigFile, routes: (name: string) => boolean): Record<string, ModelGroupAlias> {
  const modelGroupAlias: Record<string, ModelGroupAlias> = {};
  for (const [alias, target] of Object.entries(file.router_settings?.model_group_alias ?? {})) {
    const setting = typeof target === 'string' ? { model: target, hidden: false } : { model: target.model, hidden: target.hidden ?? false };
    if (!routes(setting.model)) {
      throw new ConfigError(`router_settings.model_group_alias.${alias}`, `expected the name of a model in model_list, got "${setting.model}"`);
    }
    modelGroupAlias[alias] = setting;
  }
  return modelGroupAlias;
}

/** router_settings.routes; a route whose group does not exist is refused, by its name. */
function fileRoutes(file: ConfigFile, known: (name: string) => boolean): RouteSetting[] {
  const routes = file.router_settings?.routes ?? [];
  routes.forEach((route, index) => {
    if (!known(route.to)) throw new ConfigError(`router_settings.routes[${index}].to`, `route "${route.name}": ${NOT_A_MODEL}, got "${route.to}"`);
  });
  return routes;
}

/** How often the offline probe looks for the network, and how long each state lasts at least, where the file says nothing. */
export const OFFLINE_TIMING_DEFAULTS = { probeIntervalMs: 15_000, minStateMs: 30_000 } as const;

function offlineFallback(file: ConfigFile, known: (name: string) => boolean): OfflineFallbackSettings | null {
  const setting = file.router_settings?.offline_fallback;
  if (setting === undefined) return null;
  const { model, probe_interval, min_state_seconds } = typeof setting === 'string' ? { model: setting, probe_interval: undefined, min_state_seconds: undefined } : setting;
  if (!known(model)) throw new ConfigError('router_settings.offline_fallback', `${NOT_A_MODEL}, got "${model}"`);
  return {
    group: model,
    probeIntervalMs: probe_interval === undefined ? OFFLINE_TIMING_DEFAULTS.probeIntervalMs : probe_interval * 1000,
    minStateMs: min_state_seconds === undefined ? OFFLINE_TIMING_DEFAULTS.minStateMs : min_state_seconds * 1000,
  };
}

function databaseUrl(file: ConfigFile, lookup: Lookup, env: Environment): string | null {
  const configured = file.general_settings?.database_url;
  const url = configured ? resolveValue(configured, 'general_settings.database_url', lookup) : env.DATABASE_URL;
  if (!url) return null;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError(configured ? 'general_settings.database_url' : 'DATABASE_URL', 'expected a postgres:// or postgresql:// URL');
  return url;
}

/** Whether a name reaches a model: a model_name, or a name a wildcard model_name matches. */
function routableNames(deployments: readonly DeploymentConfig[]): (name: string) => boolean {
  const names = new Set(deployments.map((d) => d.modelName));
  const patterns = bySpecificity([...names].filter(isPattern).map((name) => ({ pattern: compilePattern(name) })));
  return (name) => names.has(name) || matchPattern(patterns, name) !== null;
}

const NOT_A_MODEL = 'expected the name of a model in model_list';
const NOT_A_TARGET = "expected the name of a model in model_list or a deployment's model_info.id";

// router_settings wins over litellm_settings, as in LiteLLM's proxy. A fallback may name a
// deployment by its model_info.id (LiteLLM looks ids up first): it routes to exactly that one.
function routerSettings(file: ConfigFile, known: (name: string) => boolean, ids: ReadonlySet<string>): RouterSettings {
  const router = file.router_settings ?? {};
  const litellm = file.litellm_settings ?? {};
  const fallbackMap = (name: 'fallbacks' | 'context_window_fallbacks' | 'content_policy_fallbacks'): Record<string, string[]> => {
    const section = router[name] !== undefined ? 'router_settings' : 'litellm_settings';
    const list = router[name] ?? litellm[name] ?? [];
    const map: Record<string, string[]> = {};
    list.forEach((entry, index) => {
      for (const [group, targets] of Object.entries(entry)) {
        if (!known(group)) throw new ConfigError(`${section}.${name}[${index}]`, `${NOT_A_MODEL}, got "${group}"`);
        targets.forEach((target, position) => {
          if (!known(target) && !ids.has(target)) throw new ConfigError(`${section}.${name}[${index}].${group}[${position}]`, `${NOT_A_TARGET}, got "${target}"`);
        });
        map[group] = [...(map[group] ?? []), ...targets];
      }
    });
    return map;
  };
  const defaultFallbacks = router.default_fallbacks ?? litellm.default_fallbacks ?? [];
  defaultFallbacks.forEach((target, index) => {
    if (!known(target) && !ids.has(target)) throw new ConfigError(`router_settings.default_fallbacks[${index}]`, `${NOT_A_TARGET}, got "${target}"`);
  });
  return {
    strategy: router.routing_strategy ?? 'simple-shuffle',
    numRetries: router.num_retries ?? litellm.num_retries ?? ROUTER_DEFAULTS.numRetries,
    retryAfterMs: (router.retry_after ?? 0) * 1000,
    allowedFails: router.allowed_fails ?? litellm.allowed_fails ?? ROUTER_DEFAULTS.allowedFails,
    cooldownMs: (router.cooldown_time ?? litellm.cooldown_time ?? ROUTER_DEFAULTS.cooldownSeconds) * 1000,
    fallbacks: fallbackMap('fallbacks'),
    contextWindowFallbacks: fallbackMap('context_window_fallbacks'),
    contentPolicyFallbacks: fallbackMap('content_policy_fallbacks'),
    defaultFallbacks,
    maxFallbacks: router.max_fallbacks ?? litellm.max_fallbacks ?? ROUTER_DEFAULTS.maxFallbacks,
    dropParams: litellm.drop_params ?? false,
  };
}

/** Cache settings LiteLLM reads for a shared cache (Redis, S3, disk, ...). */
const SHARED_CACHE_KEY = /^(redis_|host$|port$|password$|url$|namespace$|s3_|disk_|qdrant_|similarity_threshold$)/;

function cacheSettings(file: ConfigFile, warnings: string[], sharedRedis: boolean): CacheSettings | null {
  const on = file.litellm_settings?.cache ?? file.router_settings?.cache_responses ?? false;
  if (!on) return null;
  const params = file.litellm_settings?.cache_params ?? {};
  const kind = params.type ?? (Object.keys(params).some((key) => SHARED_CACHE_KEY.test(key)) ? 'redis' : 'local');
  // With router_settings' Redis the cache is shared there; other kinds have the local one stand in.
  if (kind !== 'local' && !(kind === 'redis' && sharedRedis)) warnings.push(`litellm_settings.cache_params.type "${kind}" is not available yet; the local in-memory cache is used instead`);
  return { ttlMs: (params.ttl ?? ROUTER_DEFAULTS.cacheTtlSeconds) * 1000, maxEntries: params.max_size ?? ROUTER_DEFAULTS.cacheEntries };
}
