// The subset of LiteLLM's proxy config that Loopgate understands, as zod schemas. Keys not
// named here are reported once at start-up as unsupported (see unsupported.ts).
import { z } from 'zod';

export const ROUTING_STRATEGIES = [
  'simple-shuffle',
  'least-busy',
  'latency-based-routing',
  'usage-based-routing',
  'usage-based-routing-v2',
  'cost-based-routing',
] as const;

export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

const positiveNumber = z.number().positive();
const nonNegativeInteger = z.number().int().nonnegative();

export const litellmParamsSchema = z.object({
  model: z.string().regex(/^[A-Za-z0-9_.-]+\/.+$/, 'expected "<provider>/<model>", e.g. "openai/gpt-4o"'),
  api_base: z.string().optional(),
  api_key: z.string().optional(),
  rpm: nonNegativeInteger.optional(),
  tpm: nonNegativeInteger.optional(),
  weight: z.number().nonnegative().optional(),
  order: z.number().int().optional(),
  timeout: positiveNumber.optional(),
  stream_timeout: positiveNumber.optional(),
  api_version: z.string().optional(),
  aws_access_key_id: z.string().optional(),
  aws_secret_access_key: z.string().optional(),
  aws_session_token: z.string().optional(),
  aws_region_name: z.string().optional(),
  input_cost_per_token: z.number().nonnegative().optional(),
  output_cost_per_token: z.number().nonnegative().optional(),
});

export const modelEntrySchema = z.object({
  model_name: z.string().min(1, 'expected a non-empty model name'),
  litellm_params: litellmParamsSchema,
  model_info: z.record(z.string(), z.unknown()).optional(),
});

export const routerSettingsSchema = z.object({
  routing_strategy: z.enum(ROUTING_STRATEGIES).optional(),
  model_group_alias: z.record(z.string(), z.string()).optional(),
});

export const litellmSettingsSchema = z.object({
  request_timeout: positiveNumber.optional(),
});

export const generalSettingsSchema = z.object({
  master_key: z.string().min(1, 'expected a non-empty key').optional(),
  /** LiteLLM's name for how long request-log rows are kept, e.g. "30d". */
  maximum_spend_logs_retention_period: z.string().regex(/^\d+\s*(s|m|h|d|w|mo)$/, 'expected a duration such as "30d"').optional(),
  /** Opt-in: keep request and response bodies in the request log. */
  store_prompts_in_spend_logs: z.boolean().optional(),
});

export const configFileSchema = z.object({
  model_list: z.array(modelEntrySchema).optional(),
  router_settings: routerSettingsSchema.optional(),
  litellm_settings: litellmSettingsSchema.optional(),
  general_settings: generalSettingsSchema.optional(),
  environment_variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
