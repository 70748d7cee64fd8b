// The deployments in force as a config file's model_list: the file's own and the app's, each with
// its settings in litellm_params (weight, order, rpm, tpm, timeout, prices, drop_params, proxy),
// so an exported config loaded again routes and prices as this gateway does. What is not in
// force stays out: a disabled app deployment (a config file cannot say "disabled"), and a file
// deployment of a group the app defines. Secrets never leave in clear: an environment variable
// is named instead (after the provider for the app's, after the model group for the file's).
import type { DeploymentSettings } from '../../shared/api.js';
import { catalogEntry, PASSTHROUGH_KEY } from '../../shared/providers.js';
import type { GatewayConfig } from '../config/index.js';
import type { StoredDeployment } from '../store/deployments.js';
import type { ProviderCredential } from '../store/providers.js';
import { fileDeploymentSettings } from './effective-routing.js';

interface ModelEntry {
  model_name: string;
  litellm_params: Record<string, unknown>;
}

/** The settings a deployment sets itself, in LiteLLM's words; one left to the routing default (null) is left out. */
function settingParams(settings: DeploymentSettings): Record<string, number | boolean> {
  const params = {
    weight: settings.weight,
    order: settings.order,
    rpm: settings.rpm,
    tpm: settings.tpm,
    timeout: settings.timeoutSeconds,
    input_cost_per_token: settings.inputCostPerToken,
    output_cost_per_token: settings.outputCostPerToken,
    drop_params: settings.dropParams,
  };
  return Object.fromEntries(Object.entries(params).filter((entry): entry is [string, number | boolean] => entry[1] !== null));
}

/** The environment variables an export names for a provider's keys: one, or a list for a pool (`_2`, `_3`, … after the first). */
function exportedKeys(envName: string, count: number): string | string[] {
  const names = Array.from({ length: count }, (_, index) => `os.environ/${envName}${index === 0 ? '' : `_${index + 1}`}`);
  return count > 1 ? names : names[0]!;
}

function fileEntries(config: GatewayConfig, appGroups: ReadonlySet<string>): ModelEntry[] {
  return config.deployments
    .filter((d) => !appGroups.has(d.modelName))
    .map((d) => ({
      model_name: d.modelName,
      litellm_params: {
        model: `${d.family}/${d.upstreamModel}`,
        // A provider Loopgate has no code for has no endpoint of its own to write down.
        ...(catalogEntry(d.family) ? { api_base: d.apiBase.href } : {}),
        ...(d.passthrough ? { api_key: PASSTHROUGH_KEY } : d.apiKey ? { api_key: exportedKeys(keyVariable(d.modelName), d.apiKeys?.length ?? 1) } : {}),
        ...(d.proxy ? { proxy: d.proxy } : {}),
        ...settingParams(fileDeploymentSettings(config, d)),
      },
    }));
}

/** The environment variable an export names for the keys of a provider or a file's model group. */
function keyVariable(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
}

function appEntry(d: StoredDeployment, provider: ProviderCredential): ModelEntry {
  const envName = keyVariable(provider.name);
  return {
    model_name: d.modelName,
    litellm_params: {
      model: `${provider.family}/${d.upstreamModel}`,
      ...(provider.apiBase ? { api_base: provider.apiBase } : {}),
      ...(provider.passthrough ? { api_key: PASSTHROUGH_KEY } : provider.keyHint ? { api_key: exportedKeys(envName, provider.keyHints.length) } : {}),
      ...(provider.proxy ? { proxy: provider.proxy } : {}),
      ...settingParams(d),
    },
  };
}

export function exportedModelList(config: GatewayConfig, providers: readonly ProviderCredential[], deployments: readonly StoredDeployment[]): ModelEntry[] {
  const byId = new Map(providers.map((provider) => [provider.id, provider]));
  // The app's deployments win per group name, disabled ones too (the file's of that name are not routed either).
  const appGroups = new Set(deployments.filter((d) => byId.has(d.providerId)).map((d) => d.modelName));
  const app = deployments.flatMap((d) => {
    const provider = byId.get(d.providerId);
    return provider && d.enabled ? [appEntry(d, provider)] : [];
  });
  return [...fileEntries(config, appGroups), ...app];
}
