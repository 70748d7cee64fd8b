// Config owns reading LiteLLM-format YAML into the gateway's prepared, validated settings.
// Everything here runs once at start-up; the request path only reads the result.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { parseDuration } from '../../shared/keys.js';
import { catalogEntry } from '../../shared/providers.js';
import type { AwsCredentials, DeploymentConfig } from '../core/deployment.js';
import { bySpecificity, compilePattern, isPattern, matchPattern, WILDCARD } from '../core/model-names.js';
import type { ModelGroupAlias, RouterSettings } from '../core/routing.js';
import { modelReference } from './model-ref.js';
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
  /** Background health checks every this often; null when off. */
  healthCheckIntervalMs: number | null;
  modelGroupAlias: Record<string, ModelGroupAlias>;
  /** How long request-log rows are kept (LiteLLM's maximum_spend_logs_retention_period). */
  logRetentionMs: number;
  /** Whether request and response bodies go into the request log (off unless opted in). */
  storeBodies: boolean;
  /** Settings present in the file that Loopgate ignores; reported in one start-up warning. */
  unsupported: string[];
}

export interface CacheSettings {
  ttlMs: number;
  maxEntries: number;
}

/** LiteLLM's defaults: two retries, three fails a minute, five seconds of cooldown, five fallbacks. */
const ROUTER_DEFAULTS = { numRetries: 2, allowedFails: 3, cooldownSeconds: 5, maxFallbacks: 5, cacheTtlSeconds: 600, cacheEntries: 1000 };

/** A config value that stops start-up; `path` names it the way the YAML spells it. */
export class ConfigError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'ConfigError';
    this.path = path;
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

export function emptyConfig(env: Environment = {}): GatewayConfig {
  return parseConfig({}, { env });
}

export async function loadConfigFile(file: string, env: Environment): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError('', `cannot read config file ${file}: ${(error as Error).message}`);
  }
  return parseConfigText(text, { env, source: file });
}

export function parseConfigText(text: string, options: { env: Environment; source?: string }): GatewayConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new ConfigError('', `the config file is not valid YAML${where}: ${(error as Error).message}`);
  }
  return parseConfig(raw, options);
}

function parseConfig(raw: unknown, options: { env: Environment; source?: string }): GatewayConfig {
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
  const deployments = (file.model_list ?? []).map((entry, index) => toDeployment(entry, index, defaults, lookup));
  const masterKey = file.general_settings?.master_key
    ? resolveValue(file.general_settings.master_key, 'general_settings.master_key', lookup)
    : (options.env.LOOPGATE_MASTER_KEY ?? null);

  const routes = routableNames(deployments);
  const modelGroupAlias: Record<string, ModelGroupAlias> = {};
  for (const [alias, target] of Object.entries(file.router_settings?.model_group_alias ?? {})) {
    const setting = typeof target === 'string' ? { model: target, hidden: false } : { model: target.model, hidden: target.hidden ?? false };
    if (!routes(setting.model)) {
      throw new ConfigError(`router_settings.model_group_alias.${alias}`, `expected the name of a model in model_list, got "${setting.model}"`);
    }
    modelGroupAlias[alias] = setting;
  }

  const known = (name: string): boolean => routes(name) || name in modelGroupAlias;
  const ids = new Set(deployments.map((d) => d.id));
  return {
    source: options.source ?? null,
    masterKey: masterKey || null,
    deployments,
    routing: routerSettings(file, known, ids),
    cache: cacheSettings(file),
    healthCheckIntervalMs: file.general_settings?.background_health_checks ? (file.general_settings.health_check_interval ?? 300) * 1000 : null,
    modelGroupAlias,
    logRetentionMs: parseDuration(file.general_settings?.maximum_spend_logs_retention_period ?? '30d')!,
    storeBodies: file.general_settings?.store_prompts_in_spend_logs ?? false,
    unsupported,
  };
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

function cacheSettings(file: ConfigFile): CacheSettings | null {
  const on = file.litellm_settings?.cache ?? file.router_settings?.cache_responses ?? false;
  if (!on) return null;
  const params = file.litellm_settings?.cache_params ?? {};
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

function toDeployment(
  entry: NonNullable<ConfigFile['model_list']>[number],
  index: number,
  defaults: { timeout: number; streamTimeout: number | null },
  lookup: Lookup,
): DeploymentConfig {
  const at = `model_list[${index}].litellm_params`;
  const params = entry.litellm_params;
  const optional = (name: keyof typeof params): string | null => {
    const value = params[name];
    return typeof value === 'string' ? resolveValue(value, `${at}.${name}`, lookup) : null;
  };
  const givenApiBase = optional('api_base');
  const reference = modelReference(params.model, givenApiBase);
  if ('problem' in reference) throw new ConfigError(`${at}.model`, reference.problem);
  const family = catalogEntry(reference.family)!;
  // Ollama's `*` stands for the models the server lists (expanded at start-up); any other needs a `*` in model_name to fill it.
  if (isPattern(reference.upstreamModel) && family.id !== 'ollama' && !isPattern(entry.model_name)) {
    throw new ConfigError(
      `model_list[${index}].model_name`,
      `expected a wildcard model_name such as "*" or "${family.id}/${WILDCARD}" for the wildcard model "${params.model}", got "${entry.model_name}"`,
    );
  }
  const aws = awsSettings(optional, at, family.id);
  const apiBase = parseApiBase(
    givenApiBase ?? (aws ? `https://bedrock-runtime.${aws.region}.amazonaws.com` : family.defaultApiBase),
    `${at}.api_base`,
  );
  const apiKey = optional('api_key');
  const streamTimeout = params.stream_timeout ?? defaults.streamTimeout;
  const info = entry.model_info ?? {};
  return {
    id: typeof info.id === 'string' ? info.id : `${entry.model_name}#${index}`,
    source: 'config',
    enabled: true,
    dropParams: params.drop_params ?? null,
    modelName: entry.model_name,
    family: family.id,
    upstreamModel: reference.upstreamModel,
    apiBase,
    apiKey,
    apiVersion: optional('api_version'),
    aws,
    rpm: params.rpm ?? null,
    tpm: params.tpm ?? null,
    weight: params.weight ?? null,
    order: params.order ?? null,
    timeoutMs: (params.timeout ?? defaults.timeout) * 1000,
    streamTimeoutMs: streamTimeout === null ? null : streamTimeout * 1000,
    inputCostPerToken: params.input_cost_per_token ?? null,
    outputCostPerToken: params.output_cost_per_token ?? null,
    modelInfo: info,
  };
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

type Optional = (name: 'aws_access_key_id' | 'aws_secret_access_key' | 'aws_session_token' | 'aws_region_name') => string | null;

/** Bedrock needs credentials and a region; they come from litellm_params or AWS's usual variables. */
function awsSettings(optional: Optional, at: string, family: string): AwsCredentials | null {
  if (family !== 'bedrock') return null;
  const accessKeyId = optional('aws_access_key_id');
  const secretAccessKey = optional('aws_secret_access_key');
  const region = optional('aws_region_name');
  if (!accessKeyId) throw new ConfigError(`${at}.aws_access_key_id`, 'expected AWS credentials for a bedrock model (e.g. os.environ/AWS_ACCESS_KEY_ID)');
  if (!secretAccessKey) throw new ConfigError(`${at}.aws_secret_access_key`, 'expected AWS credentials for a bedrock model (e.g. os.environ/AWS_SECRET_ACCESS_KEY)');
  if (!region) throw new ConfigError(`${at}.aws_region_name`, 'expected the AWS region of the bedrock model, e.g. us-east-1');
  return { accessKeyId, secretAccessKey, sessionToken: optional('aws_session_token'), region };
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
