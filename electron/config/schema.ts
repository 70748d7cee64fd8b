// The subset of LiteLLM's proxy config that Loopgate understands, as zod schemas. Keys not
// named here are reported once at start-up as unsupported (see unsupported.ts).
import { z } from 'zod';
import type { SearchProviderKind } from '../../shared/search.js';
import { CAPTURE_MODES } from '../../shared/keys.js';
import { ALERT_EVENTS } from '../../shared/alerts.js';
import { ROUTING_STRATEGIES } from '../../shared/routing.js';
import { mcpServersSchema } from './mcp-server-schema.js';
import { fileRouteListSchema } from './routes.js';
import { SECRET_GUARD_MODES } from '../../shared/secret-guard.js';

const positiveNumber = z.number().positive();
const nonNegativeInteger = z.number().int().nonnegative();

const litellmParamsSchema = z.object({
  /** `<provider>/<model>`, or a bare model name LiteLLM can place (model-ref.ts). */
  model: z.string().regex(/^([A-Za-z0-9_.-]+\/.*|[^/\s]+)$/, 'expected "<provider>/<model>", e.g. "openai/gpt-4o"'),
  api_base: z.string().nullable().optional(),
  /** One key, or a pool of keys (Loopgate's own): requests rotate over them, one answering 429 cools down alone. */
  api_key: z
    .union([z.string(), z.array(z.string()).min(1)])
    .nullable()
    .optional(),
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
  /** How calls leave: an http:// or socks5:// proxy URL, or "direct"; unset follows HTTPS_PROXY / NO_PROXY. */
  proxy: z.string().min(1).optional(),
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
  /** Loopgate's routes by what a request is (docs/routing.md), in order. */
  routes: fileRouteListSchema.optional(),
  /** Loopgate's own: when the cloud is unreachable, this local model group serves cloud groups' requests. */
  offline_fallback: z
    .union([
      z.string().min(1),
      z.object({
        model: z.string().min(1),
        /** Seconds between the probes that look for the network while offline. */
        probe_interval: positiveNumber.optional(),
        /** Seconds each state (online, offline) lasts at least, so a flaky network does not flap. */
        min_state_seconds: z.number().nonnegative().optional(),
      }),
    ])
    .optional(),
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

const percent = z.number().positive('expected a percentage above 0').max(1000, 'expected a percentage up to 1000');

/** general_settings.alerts (config/alerts.ts reads it). */
const alertsSchema = z.object({
  /** Percentages of a key's max_budget; default [80, 100]. */
  budget_thresholds: z.array(percent).optional(),
  /** Per key id: its own thresholds. */
  key_thresholds: z.record(z.string(), z.array(percent)).optional(),
  /** The events that alert (default: all of them). */
  events: z.array(z.enum(ALERT_EVENTS)).optional(),
  /** Minutes a deployment must be cooling or failing before it alerts as failing (default 5). */
  failing_minutes: z.number().positive().optional(),
  /** Desktop notifications in the app (default on). */
  desktop: z.boolean().optional(),
  /** A URL each alert is POSTed to (`os.environ/VAR` allowed). */
  webhook_url: z.string().min(1).optional(),
  /** `json` (default) or `slack` (`{ "text": ... }`). */
  webhook_format: z.enum(['json', 'slack']).optional(),
  /** Seconds a webhook try may take (default 5). */
  webhook_timeout: z.number().positive().optional(),
});
const secretGuardMode = z.enum(SECRET_GUARD_MODES, { error: `expected one of ${SECRET_GUARD_MODES.join(', ')}` });

const generalSettingsSchema = z.object({
  master_key: z.string().min(1, 'expected a non-empty key').optional(),
  /** LiteLLM's name for how long request-log rows are kept, e.g. "30d". */
  maximum_spend_logs_retention_period: z
    .string()
    .regex(/^\d+\s*(s|m|h|d|w|mo)$/, 'expected a duration such as "30d"')
    .optional(),
  /** Opt-in: keep request and response bodies in the request log (LiteLLM's name: every request). */
  store_prompts_in_spend_logs: z.boolean().optional(),
  /** Loopgate's finer opt-in: keep the bodies of failed requests only, or of all; wins over store_prompts_in_spend_logs. */
  capture_bodies: z.enum(CAPTURE_MODES).optional(),
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
  /** Loopgate's alerts: budget thresholds, events, desktop notifications, a webhook. */
  alerts: alertsSchema.optional(),
  /** Extra CA certificates for upstream TLS (a company proxy's): PEM files' paths or PEM text, one or a list. */
  ca_certs: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  /** Credentials in prompts bound for a cloud provider: off, warn, redact or block; or { mode, scan_local }. */
  secret_guard: z.union([secretGuardMode, z.strictObject({ mode: secretGuardMode, scan_local: z.boolean().optional() })]).optional(),
});

/** LiteLLM names Exa `exa_ai`; both are read. */
export const SEARCH_PROVIDER_NAMES: Record<string, SearchProviderKind> = { searxng: 'searxng', brave: 'brave', tavily: 'tavily', exa: 'exa', exa_ai: 'exa' };

export const searchToolsSchema = z.array(
  z.object({
    search_tool_name: z.string().optional(),
    litellm_params: z.object({
      search_provider: z.string().refine((name) => Object.hasOwn(SEARCH_PROVIDER_NAMES, name), `expected one of ${Object.keys(SEARCH_PROVIDER_NAMES).join(', ')}`),
      api_base: z.string().optional(),
      api_key: z.string().optional(),
    }),
  }),
);

export const configFileSchema = z.object({
  model_list: z.array(modelEntrySchema).optional(),
  router_settings: routerSettingsSchema.optional(),
  litellm_settings: litellmSettingsSchema.optional(),
  general_settings: generalSettingsSchema.optional(),
  environment_variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** LiteLLM's search providers; the first runs web search for upstreams that cannot search (config/search.ts). */
  search_tools: searchToolsSchema.optional(),
  /** MCP servers behind /mcp (docs/mcp.md); `mcpServers` is the agents' own spelling of the same block. */
  mcp_servers: mcpServersSchema.optional(),
  mcpServers: mcpServersSchema.optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
