// LiteLLM's model_list entries (/model/new, /model/update) as the model service reads them:
// parsed exactly as config.yaml reads one, and a running deployment said back in litellm_params names.
import { PASSTHROUGH_KEY } from '../../shared/providers.js';
import type { Environment, GatewayConfig } from '../config/index.js';
import type { DeploymentConfig } from '../core/deployment.js';
import type { StoredDeployment } from '../store/deployments.js';
import { parseConfigInput } from './config-io.js';

/** A LiteLLM model_list entry, as /model/new and /model/update carry it. */
export interface ModelEntry {
  model_name?: unknown;
  litellm_params?: unknown;
  model_info?: unknown;
}

/** An entry's field for a message and its param: `model_list[0].litellm_params.rpm` → `litellm_params.rpm`. */
function entryError(path: string, message: string): { param: string | null; message: string } {
  const field = path.replace(/^model_list\[0\]\.?/, '');
  const detail = path ? message.slice(path.length + 2) : message;
  return field ? { param: field, message: `${field}: ${detail}` } : { param: null, message: detail };
}

/** Where and how a deployment calls its upstream, in litellm_params names (credentials included: never sent out). */
export function entryParams(deployment: DeploymentConfig): Record<string, unknown> {
  const { aws } = deployment;
  return {
    model: `${deployment.family}/${deployment.upstreamModel}`,
    api_base: deployment.apiBase.href,
    ...(deployment.apiKey ? { api_key: deployment.apiKey } : deployment.passthrough ? { api_key: PASSTHROUGH_KEY } : {}),
    ...(deployment.apiVersion ? { api_version: deployment.apiVersion } : {}),
    ...(aws
      ? {
          aws_access_key_id: aws.accessKeyId,
          aws_secret_access_key: aws.secretAccessKey,
          aws_region_name: aws.region,
          ...(aws.sessionToken ? { aws_session_token: aws.sessionToken } : {}),
        }
      : {}),
  };
}

/** A stored deployment's own settings in LiteLLM's litellm_params names. */
export function ownParams(row: StoredDeployment): Record<string, unknown> {
  const params: Record<string, unknown> = {
    rpm: row.rpm,
    tpm: row.tpm,
    weight: row.weight,
    order: row.order,
    timeout: row.timeoutSeconds,
    input_cost_per_token: row.inputCostPerToken,
    output_cost_per_token: row.outputCostPerToken,
    drop_params: row.dropParams,
  };
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== null));
}

export function parseEntry(entry: ModelEntry, env: Environment): GatewayConfig {
  const text = JSON.stringify({ model_list: [{ model_name: entry.model_name, litellm_params: entry.litellm_params, ...(entry.model_info ? { model_info: entry.model_info } : {}) }] });
  return parseConfigInput(text, env, (error) => entryError(error.path, error.message));
}
