// The subset of LiteLLM's proxy config that Loopgate understands, as zod schemas. Keys not
// named here are reported once at start-up as unsupported (see unsupported.ts).
import { z } from 'zod';
import { ROUTING_STRATEGIES } from '../../shared/routing.js';
import { SECRET_GUARD_MODES } from '../../shared/secret-guard.js';

const positiveNumber = z.number().positive();
const nonNegativeInteger = z.number().int().nonnegative();

const litellmParamsSchema = z.object({
  /** `<provider>/<model>`, or a bare model name LiteLLM can place (model-ref.ts). */
  model: z.string().regex(/^([A-Za-z0-9_.-]+\/.*|[^/\s]+)$/, 'expected "<provider>/<model>", e.g. "openai/gpt-4o"'),
  api_base: z.string().nullable().optional(),
  api_key: z.string().nullable().optional(),
  rpm: nonNegativeInteger.optional(),
  tpm: nonNegativeInteger.optional(),
  weight: z.number().nonnegative().optional(),
  order: z.number().int().optional(),
  timeout: positiveNumber.optional(),
  stream_timeout: positiveNumber.optional(),
  api_version: z.string().nullable().optional(),
  aws_access_key_id: z.string().nullable().optional(),
  aws_secret_access_key: z.string().nullable().optional(),
  aws_session_token: z.string().nullable().optional(),
  aws_region_name: z.string().nullable().optional(),
  input_cost_per_token: z.number().nonnegative().optional(),
  output_cost_per_token: z.number().nonnegative().optional(),
  cache_read_input_token_cost: z.number().nonnegative().optional(),
  cache_creation_input_token_cost: z.number().nonnegative().optional(),
  cache_creation_input_token_cost_above_1hr: z.number().nonnegative().optional(),
  output_cost_per_reasoning_token: z.number().nonnegative().optional(),
  /** Wins over litellm_settings.drop_params for this deployment. */
  drop_params: z.boolean().optional(),
});

const modelEntrySchema = z.object({
  model_name: z.string().min(1, 'expected a non-empty model name'),
  litellm_params: litellmParamsSchema,
  model_info: z.record(z.string(), z.unknown()).optional(),
});

/** LiteLLM's fallback lists: `[{"gpt-4": ["gpt-4o-mini", "claude"]}]`. */
const fallbackList = z.array(z.record(z.string(), z.array(z.string())));
const seconds = z.number().nonnegative();

/** Routing settings LiteLLM accepts in both router_settings and litellm_settings. */
const routingFields = {
  num_retries: z.number().int().nonnegative().optional(),
  allowed_fails: z.number().int().nonnegative().optional(),
  cooldown_time: seconds.optional(),
  fallbacks: fallbackList.optional(),
  context_window_fallbacks: fallbackList.optional(),
  content_policy_fallbacks: fallbackList.optional(),
  default_fallbacks: z.array(z.string()).optional(),
  max_fallbacks: z.number().int().nonnegative().optional(),
};

/** LiteLLM's two spellings: `gpt-4: gpt-4o`, or `gpt-4: { model: gpt-4o, hidden: true }` (routes, not listed). */
const modelGroupAlias = z.union([z.string(), z.object({ model: z.string(), hidden: z.boolean().optional() })]);

const routerSettingsSchema = z.object({
  routing_strategy: z.enum(ROUTING_STRATEGIES).optional(),
  model_group_alias: z.record(z.string(), modelGroupAlias).optional(),
  /** Minimum seconds to wait before a retry. */
  retry_after: seconds.optional(),
  timeout: positiveNumber.optional(),
  stream_timeout: positiveNumber.optional(),
  cache_responses: z.boolean().optional(),
  /** Redis shared by every instance (LiteLLM's names); redis_url wins the way LiteLLM reads it, but both at once is refused. */
  redis_url: z.string().min(1, 'expected a URL such as redis://host:6379').optional(),
  redis_host: z.string().min(1, 'expected a host name').optional(),
  /** A number, or `os.environ/NAME`. */
  redis_port: z.union([z.number().int().min(1).max(65535), z.string().min(1)]).optional(),
  redis_password: z.string().optional(),
  ...routingFields,
});

const cacheParamsSchema = z.object({
  /** "local"; any other kind (redis, disk, s3, ...) is warned about and the local cache used instead. */
  type: z.string().optional(),
  ttl: positiveNumber.optional(),
  max_size: z.number().int().positive().optional(),
});

const litellmSettingsSchema = z.object({
  request_timeout: positiveNumber.optional(),
  /** Drop request fields a provider cannot take instead of answering 400. */
  drop_params: z.boolean().optional(),
  cache: z.boolean().optional(),
  cache_params: cacheParamsSchema.optional(),
  ...routingFields,
});

const secretGuardMode = z.enum(SECRET_GUARD_MODES, { error: `expected one of ${SECRET_GUARD_MODES.join(', ')}` });

const generalSettingsSchema = z.object({
  master_key: z.string().min(1, 'expected a non-empty key').optional(),
  /** LiteLLM's name for how long request-log rows are kept, e.g. "30d". */
  maximum_spend_logs_retention_period: z
    .string()
    .regex(/^\d+\s*(s|m|h|d|w|mo)$/, 'expected a duration such as "30d"')
    .optional(),
  /** Opt-in: keep request and response bodies in the request log. */
  store_prompts_in_spend_logs: z.boolean().optional(),
  background_health_checks: z.boolean().optional(),
  /** Seconds between background health checks. */
  health_check_interval: positiveNumber.optional(),
  /** Names besides localhost, 127.0.0.1 and [::1] the gateway answers to (e.g. behind a reverse proxy). */
  allowed_hosts: z.array(z.string().regex(/^[A-Za-z0-9.-]+$/, 'expected a host name without scheme or port')).optional(),
  /** LiteLLM's name for the request body limit, in MB (default 20). */
  max_request_size_mb: positiveNumber.optional(),
  /** Serve /metrics without a key to loopback clients (off: the master key or a metrics key is needed). */
  open_metrics_on_loopback: z.boolean().optional(),
  /** LiteLLM's name: a PostgreSQL URL (postgres://user:password@host:5432/db) for a team server's store. */
  database_url: z.string().min(1, 'expected a postgres:// URL').optional(),
  /** An OTLP/HTTP collector (http://host:4318): one trace span per model request; OTEL_EXPORTER_OTLP_ENDPOINT wins. */
  otel_endpoint: z.string().url('expected an http:// or https:// URL').optional(),
  /** Credentials in prompts bound for a cloud provider: off, warn, redact or block; or { mode, scan_local }. */
  secret_guard: z.union([secretGuardMode, z.strictObject({ mode: secretGuardMode, scan_local: z.boolean().optional() })]).optional(),
});

export const configFileSchema = z.object({
  model_list: z.array(modelEntrySchema).optional(),
  router_settings: routerSettingsSchema.optional(),
  litellm_settings: litellmSettingsSchema.optional(),
  general_settings: generalSettingsSchema.optional(),
  environment_variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
