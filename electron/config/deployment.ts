// Deployments as the gateway serves them: from a config file's model_list entry (its
// credentials from litellm_params or the environment, as LiteLLM reads them), or from a model
// made in the app on a stored provider, in the same shape.
import { allowsPassthrough, catalogEntry, PASSTHROUGH_KEY, type ProviderCatalogEntry } from '../../shared/providers.js';
import type { AwsCredentials, DeploymentConfig, DeploymentProblem } from '../core/deployment.js';
import { isPattern, WILDCARD } from '../core/model-names.js';
import { proxySettingProblem } from '../core/upstream-proxy.js';
import { ConfigError } from './config-error.js';
import { ENV_REFERENCE, resolveValue, type Lookup } from './environment.js';
import { modelReference } from './model-ref.js';
import type { ConfigFile } from './schema.js';

/** LiteLLM's default per-request timeout, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 600;

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

type Entry = NonNullable<ConfigFile['model_list']>[number];
type Defaults = { timeout: number; streamTimeout: number | null };

/**
 * Reads one deployment's credentials from litellm_params or, where they leave one out, from the
 * variables LiteLLM reads for its family; keeps the first reason the deployment cannot serve.
 */
class DeploymentCredentials {
  unavailable: DeploymentProblem | null = null;

  constructor(
    private readonly entry: Entry,
    private readonly index: number,
    private readonly id: string,
    private readonly lookup: Lookup,
    private readonly warnings: string[],
  ) {}

  refuse(problem: DeploymentProblem, warning: string): void {
    this.unavailable ??= problem;
    this.warnings.push(`model_list[${this.index}] (${this.entry.model_name}, deployment ${this.id}): ${warning}`);
  }

  /** An unset os.environ/NAME, or an empty secret: the deployment starts, and says why it cannot serve. */
  missing(field: string, variable: string | null): null {
    const what = variable ? `environment variable ${variable} is not set` : `${field} is empty`;
    this.refuse(
      { code: 'authentication', message: `The deployment "${this.id}" of "${this.entry.model_name}" has no ${field}: ${what}. Set it and restart Loopgate.` },
      `${what}; requests for it are refused until it is set`,
    );
    return null;
  }

  fromEnvironment(name: CredentialField, family: string): string | null {
    const variable = CREDENTIAL_VARIABLES[family]?.[name];
    const value = variable ? this.lookup(variable) : undefined;
    return value ? value : null;
  }

  /** A field litellm_params gives, its `os.environ/` reference resolved. */
  resolved(name: CredentialField): string | null {
    const value = this.entry.litellm_params[name];
    if (value === null && SECRET_FIELDS.has(name)) return this.missing(name, null);
    return typeof value === 'string' ? this.resolvedText(name, value) : null;
  }

  /** A key pool (`api_key` as a list), each `os.environ/` reference resolved; null when api_key is not a list. */
  keyPool(): string[] | null {
    const list = this.entry.litellm_params.api_key;
    if (!Array.isArray(list)) return null;
    return list.map((value) => this.resolvedText('api_key', value)).filter((key): key is string => key !== null);
  }

  private resolvedText(name: CredentialField, value: string): string | null {
    if (!value.startsWith(ENV_REFERENCE)) return value === '' && SECRET_FIELDS.has(name) ? this.missing(name, null) : value || null;
    const variable = value.slice(ENV_REFERENCE.length);
    const found = this.lookup(variable);
    return found ? found : this.missing(name, variable);
  }

  /** A field from litellm_params if it names one, else from the family's environment variable. */
  credential(name: CredentialField, family: string): string | null {
    return this.entry.litellm_params[name] !== undefined ? this.resolved(name) : this.fromEnvironment(name, family);
  }
}

export function toDeployment(entry: Entry, index: number, defaults: Defaults, lookup: Lookup, warnings: string[]): DeploymentConfig {
  const at = `model_list[${index}].litellm_params`;
  const params = entry.litellm_params;
  const info = entry.model_info ?? {};
  const id = typeof info.id === 'string' ? info.id : `${entry.model_name}#${index}`;
  const credentials = new DeploymentCredentials(entry, index, id, lookup, warnings);
  const givenApiBase = credentials.resolved('api_base');
  const reference = modelReference(params.model, givenApiBase);
  if ('unknownProvider' in reference) {
    // A provider Loopgate has no code for: listed, refused with a clear error; the rest still serve.
    const message = `Loopgate does not serve the provider "${reference.unknownProvider}" (deployment "${id}" of "${entry.model_name}"); supported: ${reference.supported}.`;
    credentials.refuse({ code: 'unavailable', message }, `provider "${reference.unknownProvider}" is not supported; the deployment is listed but refuses requests`);
    return {
      ...baseDeployment(entry, id, info, defaults),
      family: reference.unknownProvider,
      upstreamModel: params.model.slice(reference.unknownProvider.length + 1),
      apiBase: new URL(NOWHERE),
      apiKey: null,
      passthrough: false,
      apiVersion: null,
      aws: null,
      unavailable: credentials.unavailable,
    };
  }
  if ('problem' in reference) throw new ConfigError(`${at}.model`, reference.problem);
  const family = catalogEntry(reference.family)!;
  if (reference.upstreamModel === '') {
    // LiteLLM accepts `azure/` (an image deployment named by api_base alone); there is no model to ask for chat.
    credentials.refuse({ code: 'unavailable', message: `The deployment "${id}" of "${entry.model_name}" names no model after "${family.id}/".` }, `"${params.model}" names no model; the deployment refuses requests`);
  }
  // Ollama's `*` stands for the models the server lists (expanded at start-up); any other needs a `*` in model_name to fill it.
  if (isPattern(reference.upstreamModel) && family.id !== 'ollama' && !isPattern(entry.model_name)) {
    throw new ConfigError(`model_list[${index}].model_name`, `expected a wildcard model_name such as "*" or "${family.id}/${WILDCARD}" for the wildcard model "${params.model}", got "${entry.model_name}"`);
  }
  const proxy = params.proxy === undefined ? null : resolveValue(params.proxy, `${at}.proxy`, lookup);
  const proxyProblem = proxy ? proxySettingProblem(proxy) : null;
  if (proxyProblem) throw new ConfigError(`${at}.proxy`, proxyProblem);
  return {
    ...baseDeployment(entry, id, info, defaults),
    ...endpoint(family, givenApiBase, credentials, { at, lookup, params }),
    proxy,
    family: family.id,
    upstreamModel: reference.upstreamModel,
    unavailable: credentials.unavailable,
    fileSecrets: { apiKey: asWritten(params.api_key), proxy: asWritten(params.proxy) },
  };
}

/** The `os.environ/` names a secret field was written as, 'literal' when any part was written out; undefined when absent. */
function asWritten(value: string | readonly string[] | null | undefined): readonly string[] | 'literal' | undefined {
  if (value === undefined || value === null) return undefined;
  const parts = typeof value === 'string' ? [value] : value;
  return parts.every((part) => part.startsWith(ENV_REFERENCE)) ? parts.map((part) => part.slice(ENV_REFERENCE.length)) : 'literal';
}

/** Where a known family's deployment sends requests, and with which credentials. */
function endpoint(
  family: ProviderCatalogEntry,
  givenApiBase: string | null,
  credentials: DeploymentCredentials,
  { at, lookup, params }: { at: string; lookup: Lookup; params: Entry['litellm_params'] },
): Pick<DeploymentConfig, 'apiBase' | 'apiKey' | 'apiKeys' | 'passthrough' | 'apiVersion' | 'aws'> {
  const familyId = family.aliasOf ?? family.id;
  const credential = (name: CredentialField): string | null => credentials.credential(name, familyId);
  // A field the config names but cannot resolve has been reported already; one left out is looked for in the environment.
  const aws = family.protocol === 'bedrock' ? awsSettings(credential, (field) => (params[field] !== undefined ? null : credentials.missing(field, CREDENTIAL_VARIABLES.bedrock![field] ?? null))) : null;
  // LiteLLM's OpenAI endpoint from the environment, for an `openai/` model without api_base (a proxy or a compatible server).
  const openaiBaseFromEnv = familyId === 'openai' && params.api_base === undefined ? lookup('OPENAI_BASE_URL') || lookup('OPENAI_API_BASE') || null : null;
  const apiBase = normaliseApiBase(
    parseApiBase(
      givenApiBase ?? (family.protocol === 'azure' ? credential('api_base') : null) ?? openaiBaseFromEnv ?? (aws ? `https://bedrock-runtime.${aws.region}.amazonaws.com` : family.defaultApiBase),
      `${at}.api_base`,
    ),
    family.defaultApiBase,
  );
  // A provider's key from the environment goes only to that provider's own endpoint here, never to a server of your own.
  // OPENAI_API_BASE comes from the same environment as OPENAI_API_KEY, so that key goes there too (as in LiteLLM).
  const ownEndpoint = apiBase.origin === new URL(family.defaultApiBase).origin || family.protocol !== 'openai' || openaiBaseFromEnv !== null;
  const pool = credentials.keyPool();
  if (pool) return { apiBase, ...keyPoolFields(pool, `${at}.api_key`), passthrough: false, apiVersion: credential('api_version'), aws };
  const apiKey = params.api_key !== undefined ? credentials.resolved('api_key') : ownEndpoint ? credentials.fromEnvironment('api_key', familyId) : null;
  if (apiKey !== PASSTHROUGH_KEY) return { apiBase, apiKey, passthrough: false, apiVersion: credential('api_version'), aws };
  if (!allowsPassthrough(familyId)) throw new ConfigError(`${at}.api_key`, `"${PASSTHROUGH_KEY}" (the client signs in with its own token) is for anthropic deployments only, not "${family.id}"`);
  return { apiBase, apiKey: null, passthrough: true, apiVersion: null, aws };
}

/** A list of keys: the first is `apiKey`; two or more make a pool. The client's own sign-in is one credential, never one of a pool. */
function keyPoolFields(pool: readonly string[], at: string): Pick<DeploymentConfig, 'apiKey' | 'apiKeys'> {
  if (pool.includes(PASSTHROUGH_KEY)) throw new ConfigError(at, `"${PASSTHROUGH_KEY}" (the client signs in with its own token) cannot be one key of a list`);
  const unique = [...new Set(pool)];
  return { apiKey: unique[0] ?? null, ...(unique.length > 1 ? { apiKeys: unique } : {}) };
}

/** What every config deployment carries whatever its provider. */
function baseDeployment(
  entry: Entry,
  id: string,
  info: Record<string, unknown>,
  defaults: Defaults,
): Omit<DeploymentConfig, 'family' | 'upstreamModel' | 'apiBase' | 'apiKey' | 'passthrough' | 'apiVersion' | 'aws' | 'unavailable'> {
  const params = entry.litellm_params;
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
    partCosts: {
      cacheRead: params.cache_read_input_token_cost ?? price(info.cache_read_input_token_cost),
      cacheWrite: params.cache_creation_input_token_cost ?? price(info.cache_creation_input_token_cost),
      cacheWrite1h: params.cache_creation_input_token_cost_above_1hr ?? price(info.cache_creation_input_token_cost_above_1hr),
      reasoning: params.output_cost_per_reasoning_token ?? price(info.output_cost_per_reasoning_token),
    },
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
  input: { id: string; modelName: string; family: string; upstreamModel: string; apiBase: string | null; apiKey: string | null; moreKeys?: readonly string[]; proxy?: string | null },
  timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000,
): DeploymentConfig {
  const family = catalogEntry(input.family);
  if (!family) throw new ConfigError('family', `unknown provider "${input.family}"`);
  const apiBase = parseApiBase(input.apiBase ?? family.defaultApiBase, 'apiBase');
  const aws = family.protocol === 'bedrock' ? storedAwsCredentials(input.apiKey, apiBase) : null;
  // A provider made with "the client signs in" keeps the same word a config file writes.
  const passthrough = input.apiKey === PASSTHROUGH_KEY && allowsPassthrough(family.id);
  return {
    id: input.id,
    source: 'store',
    enabled: true,
    dropParams: null,
    modelName: input.modelName,
    family: family.id,
    upstreamModel: input.upstreamModel,
    apiBase,
    proxy: input.proxy ?? null,
    ...(aws || passthrough ? { apiKey: null } : keyPoolFields(input.apiKey === null ? [] : [input.apiKey, ...(input.moreKeys ?? [])], 'apiKey')),
    passthrough,
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
