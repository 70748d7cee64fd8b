// What a deployment is, as every layer sees it: plain data naming its provider family by id.
// The family's code is looked up where a request is made (providers/), never carried here.

/** A wire format: what a client sends, or what an upstream speaks natively. */
export type Dialect = 'chat' | 'completions' | 'embeddings' | 'images' | 'moderations' | 'anthropic' | 'anthropic_count_tokens' | 'responses' | 'gemini' | 'gemini_count_tokens';

/** The OpenAI-dialect endpoints that pass through to OpenAI-compatible upstreams. */
export type EndpointKind = 'chat' | 'completions' | 'embeddings' | 'images' | 'moderations';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | null;
  region: string;
}

export interface DeploymentConfig {
  /** Stable id: `model_info.id` when given, else `<model_name>#<index in model_list>`; `dep_…` when made in the app. */
  id: string;
  /** Where it is defined: the config file, or the app (the store, versioned). */
  source: 'config' | 'store';
  /** A disabled deployment is listed but never chosen. */
  enabled: boolean;
  /** Drop request fields the family cannot take instead of refusing them; null: the routing setting decides. */
  dropParams: boolean | null;
  modelName: string;
  /** The provider family's id (`openai`, `anthropic`, `groq`, ...), as in `shared/providers.ts`. */
  family: string;
  upstreamModel: string;
  apiBase: URL;
  /** How calls leave this machine: a proxy URL (http://, socks5://), `direct`, or null/absent to follow HTTPS_PROXY / NO_PROXY. */
  proxy?: string | null;
  apiKey: string | null;
  /** A pool of keys (two or more, `apiKey` the first) that requests rotate over; the router puts the one an attempt uses in `apiKey`. */
  apiKeys?: readonly string[];
  /** The client signs in (`api_key: passthrough`): its own Authorization goes upstream; the deployment holds no key. */
  passthrough: boolean;
  /** Azure's `api-version`. */
  apiVersion: string | null;
  /** Bedrock's SigV4 credentials and region. */
  aws: AwsCredentials | null;
  rpm: number | null;
  tpm: number | null;
  weight: number | null;
  order: number | null;
  timeoutMs: number;
  streamTimeoutMs: number | null;
  /** Per-token prices from the config; they win over the pricing data set. */
  inputCostPerToken: number | null;
  outputCostPerToken: number | null;
  /** The config's prices for the parts of a usage (LiteLLM's names); a part without one costs what its whole does. */
  partCosts?: PartCosts;
  modelInfo: Record<string, unknown>;
  /** Why this deployment cannot serve (no credentials, a provider Loopgate lacks): listed, never chosen; null when it can. */
  unavailable: DeploymentProblem | null;
  /** How a config file wrote its secrets: the `os.environ/` names it gave (an export writes them back), or 'literal'; absent when it gave none. */
  fileSecrets?: { apiKey?: readonly string[] | 'literal'; proxy?: readonly string[] | 'literal' };
}

/** USD per token: cache_read_input_token_cost, cache_creation_input_token_cost, cache_creation_input_token_cost_above_1hr, output_cost_per_reasoning_token. */
export interface PartCosts {
  cacheRead: number | null;
  cacheWrite: number | null;
  cacheWrite1h: number | null;
  reasoning: number | null;
}

/** What a request for an unavailable deployment is answered with. */
export interface DeploymentProblem {
  code: 'authentication' | 'unavailable';
  message: string;
}

/** A request for an upstream: path and query under the deployment's api_base, and the body. */
export interface UpstreamRequest {
  path: string;
  body: string;
}

/** An upstream stream that reported an error after it started. */
export class UpstreamStreamError extends Error {
  constructor(
    message: string,
    readonly type = 'api_error',
  ) {
    super(message);
  }
}
