// Config owns reading LiteLLM-format YAML into the gateway's prepared, validated settings.
// Everything here runs once at start-up; the request path only reads the result.
import { readFile } from 'node:fs/promises';
import { isScalar, parseDocument, visit, YAMLParseError, type Document } from 'yaml';
import { redactSecrets } from './redact.js';
import { parseDuration } from '../../shared/keys.js';
import { catalogEntry } from '../../shared/providers.js';
import type { AwsCredentials, DeploymentConfig, DeploymentProblem } from '../core/deployment.js';
import { bySpecificity, compilePattern, isPattern, matchPattern, WILDCARD } from '../core/model-names.js';
import type { ModelGroupAlias, RouterSettings } from '../core/routing.js';
import { modelReference } from './model-ref.js';
import { redisSettings, type RedisSettings } from './redis.js';
import { formatPath } from './path.js';
import { configFileSchema, type ConfigFile } from './schema.js';
import { unsupportedKeys } from './unsupported.js';

/** LiteLLM's default per-request timeout, in seconds. */
const DEFAULT_TIMEOUT_SECONDS = 600;
const ENV_REFERENCE = 'os.environ/';

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
  /** How long request-log rows are kept (LiteLLM's maximum_spend_logs_retention_period); null when the file sets none. */
  logRetentionMs: number | null;
  /** Whether request and response bodies go into the request log (off unless opted in). */
  storeBodies: boolean;
  /** The router's timeouts, for deployments that set none (router_settings.timeout, stream_timeout). */
  timeouts: { requestMs: number; streamMs: number | null };
  /** The network edge: extra host names, the body limit, whether /metrics is open on loopback. */
  security: SecuritySettings;
  /** PostgreSQL for the store (general_settings.database_url, else DATABASE_URL); null: the embedded store. */
  databaseUrl: string | null;
  /** Settings present in the file that Loopgate ignores; reported in one start-up warning. */
  unsupported: string[];
  /** What start-up says besides: deployments that cannot serve and why, a cache kind replaced by the local one. */
  warnings: string[];
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

/** A config value that stops start-up; `path` names it the way the YAML spells it. */
export class ConfigError extends Error {
  readonly path: string;
  /** The message without its path; secrets in it are masked (redact.ts). */
  readonly detail: string;
  constructor(path: string, message: string) {
    const detail = redactSecrets(message);
    super(path ? `${path}: ${detail}` : detail);
    this.name = 'ConfigError';
    this.path = path;
    this.detail = detail;
  }

  /** The same error with the values of secret environment variables masked too. */
  redacting(env: Environment): ConfigError {
    return new ConfigError(this.path, redactSecrets(this.detail, env));
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

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
  const masterKey = file.general_settings?.master_key
    ? resolveValue(file.general_settings.master_key, 'general_settings.master_key', lookup)
    : (options.env.LOOPGATE_MASTER_KEY ?? null);

  const inFile = routableNames(deployments);
  const elsewhere = new Set(options.knownModels ?? []);
  const routes = (name: string): boolean => inFile(name) || elsewhere.has(name);
  const modelGroupAlias: Record<string, ModelGroupAlias> = {};
  for (const [alias, target] of Object.entries(file.router_settings?.model_group_alias ?? {})) {
    const setting = typeof target === 'string' ? { model: target, hidden: false } : { model: target.model, hidden: target.hidden ?? false };
    if (!routes(setting.model)) {
      throw new ConfigError(`router_settings.model_group_alias.${alias}`, `expected the name of a model in model_list, got "${setting.model}"`);
    }
    modelGroupAlias[alias] = setting;
  }

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
    logRetentionMs: file.general_settings?.maximum_spend_logs_retention_period ? parseDuration(file.general_settings.maximum_spend_logs_retention_period) : null,
    storeBodies: file.general_settings?.store_prompts_in_spend_logs ?? false,
    timeouts: { requestMs: defaults.timeout * 1000, streamMs: defaults.streamTimeout === null ? null : defaults.streamTimeout * 1000 },
    security: {
      allowedHosts: (file.general_settings?.allowed_hosts ?? []).map((name) => name.toLowerCase()),
      maxBodyBytes: Math.round((file.general_settings?.max_request_size_mb ?? 20) * 1024 * 1024),
      openMetricsOnLoopback: file.general_settings?.open_metrics_on_loopback ?? false,
    },
    databaseUrl: databaseUrl(file, lookup, serverEnv),
    unsupported,
    warnings,
  };
}

function databaseUrl(file: ConfigFile, lookup: Lookup, env: Environment): string | null {
  const configured = file.general_settings?.database_url;
  const url = configured ? resolveValue(configured, 'general_settings.database_url', lookup) : env.DATABASE_URL;
  if (!url) return null;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError(configured ? 'general_settings.database_url' : 'DATABASE_URL', 'expected a postgres:// or postgresql:// URL');
  return url;
}

type Lookup = (name: string) => string | undefined;

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

// `environment_variables` in the file are LiteLLM's way to define values for `os.environ/`.
function environmentLookup(file: ConfigFile, env: Environment): Lookup {
  const fromFile = file.environment_variables ?? {};
  return (name) => {
    const value = env[name] ?? fromFile[name];
    return value === undefined ? undefined : String(value);
  };
}

function resolveValue(value: string, path: string, lookup: Lookup): string {
  if (!value.startsWith(ENV_REFERENCE)) return value;
  const name = value.slice(ENV_REFERENCE.length);
  const resolved = lookup(name);
  if (resolved === undefined || resolved === '') {
    throw new ConfigError(path, `expected environment variable ${name} to be set (referenced as "${value}")`);
  }
  return resolved;
}

/** Where LiteLLM reads a family's credentials when litellm_params leaves them out. */
const CREDENTIAL_VARIABLES: Record<string, Partial<Record<CredentialField, string>>> = {
  openai: { api_key: 'OPENAI_API_KEY' },
  groq: { api_key: 'GROQ_API_KEY' },
  mistral: { api_key: 'MISTRAL_API_KEY' },
  deepseek: { api_key: 'DEEPSEEK_API_KEY' },
  openrouter: { api_key: 'OPENROUTER_API_KEY' },
  together_ai: { api_key: 'TOGETHERAI_API_KEY' },
  fireworks_ai: { api_key: 'FIREWORKS_AI_API_KEY' },
  xai: { api_key: 'XAI_API_KEY' },
  cerebras: { api_key: 'CEREBRAS_API_KEY' },
  perplexity: { api_key: 'PERPLEXITYAI_API_KEY' },
  deepinfra: { api_key: 'DEEPINFRA_API_KEY' },
  anthropic: { api_key: 'ANTHROPIC_API_KEY' },
  gemini: { api_key: 'GEMINI_API_KEY' },
  azure: { api_key: 'AZURE_API_KEY', api_base: 'AZURE_API_BASE', api_version: 'AZURE_API_VERSION' },
  bedrock: {
    aws_access_key_id: 'AWS_ACCESS_KEY_ID',
    aws_secret_access_key: 'AWS_SECRET_ACCESS_KEY',
    aws_session_token: 'AWS_SESSION_TOKEN',
    aws_region_name: 'AWS_REGION_NAME',
  },
};
type CredentialField = 'api_key' | 'api_base' | 'api_version' | 'aws_access_key_id' | 'aws_secret_access_key' | 'aws_session_token' | 'aws_region_name';
const SECRET_FIELDS: ReadonlySet<string> = new Set(['api_key', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token']);

/** Where an unknown provider's deployment points; never called, it is never chosen. */
const NOWHERE = 'http://unavailable.invalid';

function toDeployment(
  entry: NonNullable<ConfigFile['model_list']>[number],
  index: number,
  defaults: { timeout: number; streamTimeout: number | null },
  lookup: Lookup,
  warnings: string[],
): DeploymentConfig {
  const at = `model_list[${index}].litellm_params`;
  const params = entry.litellm_params;
  const info = entry.model_info ?? {};
  const id = typeof info.id === 'string' ? info.id : `${entry.model_name}#${index}`;
  let unavailable: DeploymentProblem | null = null;
  const refuse = (problem: DeploymentProblem, warning: string): void => {
    unavailable ??= problem;
    warnings.push(`model_list[${index}] (${entry.model_name}, deployment ${id}): ${warning}`);
  };
  // An unset os.environ/NAME, or an empty secret: the deployment starts, and says why it cannot serve.
  const missing = (field: string, variable: string | null): null => {
    const what = variable ? `environment variable ${variable} is not set` : `${field} is empty`;
    refuse(
      { code: 'authentication', message: `The deployment "${id}" of "${entry.model_name}" has no ${field}: ${what}. Set it and restart Loopgate.` },
      `${what}; requests for it are refused until it is set`,
    );
    return null;
  };
  const fromEnvironment = (name: CredentialField, family: string): string | null => {
    const variable = CREDENTIAL_VARIABLES[family]?.[name];
    const value = variable ? lookup(variable) : undefined;
    return value ? value : null;
  };
  const resolved = (name: CredentialField): string | null => {
    const value = params[name];
    if (value === null && SECRET_FIELDS.has(name)) return missing(name, null);
    if (typeof value !== 'string') return null;
    if (!value.startsWith(ENV_REFERENCE)) return value === '' && SECRET_FIELDS.has(name) ? missing(name, null) : value || null;
    const variable = value.slice(ENV_REFERENCE.length);
    const found = lookup(variable);
    return found ? found : missing(name, variable);
  };
  const givenApiBase = resolved('api_base');
  const reference = modelReference(params.model, givenApiBase);
  if ('unknownProvider' in reference) {
    // A provider Loopgate has no code for: listed, refused with a clear error; the rest still serve.
    const message = `Loopgate does not serve the provider "${reference.unknownProvider}" (deployment "${id}" of "${entry.model_name}"); supported: ${reference.supported}.`;
    refuse({ code: 'unavailable', message }, `provider "${reference.unknownProvider}" is not supported; the deployment is listed but refuses requests`);
    return {
      ...baseDeployment(entry, id, params, info, defaults),
      family: reference.unknownProvider,
      upstreamModel: params.model.slice(reference.unknownProvider.length + 1),
      apiBase: new URL(NOWHERE),
      apiKey: null,
      apiVersion: null,
      aws: null,
      unavailable,
    };
  }
  if ('problem' in reference) throw new ConfigError(`${at}.model`, reference.problem);
  const family = catalogEntry(reference.family)!;
  if (reference.upstreamModel === '') {
    // LiteLLM accepts `azure/` (an image deployment named by api_base alone); there is no model to ask for chat.
    refuse({ code: 'unavailable', message: `The deployment "${id}" of "${entry.model_name}" names no model after "${family.id}/".` }, `"${params.model}" names no model; the deployment refuses requests`);
  }
  const familyId = family.aliasOf ?? family.id;
  const credential = (name: CredentialField): string | null => (params[name] !== undefined ? resolved(name) : fromEnvironment(name, familyId));
  // Ollama's `*` stands for the models the server lists (expanded at start-up); any other needs a `*` in model_name to fill it.
  if (isPattern(reference.upstreamModel) && family.id !== 'ollama' && !isPattern(entry.model_name)) {
    throw new ConfigError(
      `model_list[${index}].model_name`,
      `expected a wildcard model_name such as "*" or "${family.id}/${WILDCARD}" for the wildcard model "${params.model}", got "${entry.model_name}"`,
    );
  }
  // A field the config names but cannot resolve has been reported already; one left out is looked for in the environment.
  const aws =
    family.protocol === 'bedrock' ? awsSettings(credential, (field) => (params[field] !== undefined ? null : missing(field, CREDENTIAL_VARIABLES.bedrock![field] ?? null))) : null;
  // LiteLLM's OpenAI endpoint from the environment, for an `openai/` model without api_base (a proxy or a compatible server).
  const openaiBaseFromEnv = familyId === 'openai' && params.api_base === undefined ? (lookup('OPENAI_BASE_URL') || lookup('OPENAI_API_BASE') || null) : null;
  const apiBase = normaliseApiBase(
    parseApiBase(
      (givenApiBase ?? (family.protocol === 'azure' ? credential('api_base') : null) ?? openaiBaseFromEnv) ??
        (aws ? `https://bedrock-runtime.${aws.region}.amazonaws.com` : family.defaultApiBase),
      `${at}.api_base`,
    ),
    family.defaultApiBase,
  );
  // A provider's key from the environment goes only to that provider's own endpoint here, never to a server of your own.
  // OPENAI_API_BASE comes from the same environment as OPENAI_API_KEY, so that key goes there too (as in LiteLLM).
  const ownEndpoint = apiBase.origin === new URL(family.defaultApiBase).origin || family.protocol !== 'openai' || openaiBaseFromEnv !== null;
  const apiKey = params.api_key !== undefined ? resolved('api_key') : ownEndpoint ? fromEnvironment('api_key', familyId) : null;
  return {
    ...baseDeployment(entry, id, params, info, defaults),
    family: family.id,
    upstreamModel: reference.upstreamModel,
    apiBase,
    apiKey,
    apiVersion: credential('api_version'),
    aws,
    unavailable,
  };
}

type Entry = NonNullable<ConfigFile['model_list']>[number];

/** What every config deployment carries whatever its provider. */
function baseDeployment(
  entry: Entry,
  id: string,
  params: Entry['litellm_params'],
  info: Record<string, unknown>,
  defaults: { timeout: number; streamTimeout: number | null },
): Omit<DeploymentConfig, 'family' | 'upstreamModel' | 'apiBase' | 'apiKey' | 'apiVersion' | 'aws' | 'unavailable'> {
  const streamTimeout = params.stream_timeout ?? defaults.streamTimeout;
  return {
    id,
    source: 'config',
    enabled: true,
    dropParams: params.drop_params ?? null,
    modelName: entry.model_name,
    rpm: params.rpm ?? null,
    tpm: params.tpm ?? null,
    weight: params.weight ?? null,
    order: params.order ?? null,
    timeoutMs: (params.timeout ?? defaults.timeout) * 1000,
    streamTimeoutMs: streamTimeout === null ? null : streamTimeout * 1000,
    // LiteLLM takes custom prices in litellm_params or in model_info.
    inputCostPerToken: params.input_cost_per_token ?? price(info.input_cost_per_token),
    outputCostPerToken: params.output_cost_per_token ?? price(info.output_cost_per_token),
    modelInfo: info,
  };
}

/** A price as YAML gives it: a number, or a string like "1e-6" (YAML 1.1 reads that as text). */
function price(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : null;
}

/** `https://generativelanguage.googleapis.com` means the family's versioned default there (`/v1beta`), as in LiteLLM. */
function normaliseApiBase(url: URL, defaultApiBase: string): URL {
  const fallback = new URL(defaultApiBase);
  if (url.origin === fallback.origin && (url.pathname === '/' || url.pathname === '') && fallback.pathname !== '/') url.pathname = fallback.pathname.replace(/\/+$/, '');
  return url;
}

/** A deployment made in the GUI, on a stored provider, in the same shape the config gives. */
export function storedDeployment(
  input: { id: string; modelName: string; family: string; upstreamModel: string; apiBase: string | null; apiKey: string | null },
  timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000,
): DeploymentConfig {
  const family = catalogEntry(input.family);
  if (!family) throw new ConfigError('family', `unknown provider "${input.family}"`);
  const apiBase = parseApiBase(input.apiBase ?? family.defaultApiBase, 'apiBase');
  const aws = family.protocol === 'bedrock' ? storedAwsCredentials(input.apiKey, apiBase) : null;
  return {
    id: input.id,
    source: 'store',
    enabled: true,
    dropParams: null,
    modelName: input.modelName,
    family: family.id,
    upstreamModel: input.upstreamModel,
    apiBase,
    apiKey: aws ? null : input.apiKey,
    apiVersion: null,
    aws,
    rpm: null,
    tpm: null,
    weight: null,
    order: null,
    timeoutMs,
    streamTimeoutMs: null,
    inputCostPerToken: null,
    outputCostPerToken: null,
    modelInfo: { source: 'store' },
    unavailable: null,
  };
}

const BEDROCK_HOST = /^bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com$/;

/** A Bedrock provider made in the app keeps `ID:SECRET[:SESSION]` as its key and the region in its URL. */
function storedAwsCredentials(key: string | null, apiBase: URL): AwsCredentials {
  const [accessKeyId, secretAccessKey, sessionToken] = (key ?? '').split(':');
  if (!accessKeyId || !secretAccessKey) throw new ConfigError('apiKey', 'expected the AWS access key ID and secret as ID:SECRET');
  const region = BEDROCK_HOST.exec(apiBase.hostname)?.[1];
  if (!region) throw new ConfigError('apiBase', 'expected a Bedrock URL naming its region, like https://bedrock-runtime.us-east-1.amazonaws.com');
  return { accessKeyId, secretAccessKey, sessionToken: sessionToken || null, region };
}

type AwsField = 'aws_access_key_id' | 'aws_secret_access_key' | 'aws_session_token' | 'aws_region_name';

/** Bedrock needs credentials and a region; they come from litellm_params or AWS's usual variables. Without them it cannot serve. */
function awsSettings(credential: (name: AwsField) => string | null, missing: (name: AwsField) => null): AwsCredentials | null {
  const accessKeyId = credential('aws_access_key_id') ?? missing('aws_access_key_id');
  const secretAccessKey = credential('aws_secret_access_key') ?? missing('aws_secret_access_key');
  const region = credential('aws_region_name') ?? missing('aws_region_name');
  if (!accessKeyId || !secretAccessKey || !region) return null;
  return { accessKeyId, secretAccessKey, sessionToken: credential('aws_session_token'), region };
}

function parseApiBase(value: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(path, `expected an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(path, `expected an http(s) URL, got "${value}"`);
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}
