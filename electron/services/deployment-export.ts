// The deployments in force as a config file's model_list: the file's own and the app's, each with
// its settings in litellm_params (weight, order, rpm, tpm, timeout, prices, drop_params, proxy),
// so an exported config loaded again routes and prices as this gateway does. What is not in
// force stays out: a disabled app deployment (a config file cannot say "disabled"), and a file
// deployment of a group the app defines. Secrets never leave in clear: a file deployment's own
// `os.environ/` names are written back, and any other secret (a key written out, the app's keys, a
// proxy with a password) gets a variable of its own owner's (export-variables.ts).
import type { DeploymentSettings } from '../../shared/api.js';
import { catalogEntry, PASSTHROUGH_KEY } from '../../shared/providers.js';
import type { GatewayConfig } from '../config/index.js';
import type { DeploymentConfig } from '../core/deployment.js';
import type { StoredDeployment } from '../store/deployments.js';
import type { ProviderCredential } from '../store/providers.js';
import { fileDeploymentSettings } from './effective-routing.js';
import { envReference, keyReferences, proxyParam, variableName } from './export-variables.js';

interface ModelEntry {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info?: Record<string, unknown>;
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

/** A file deployment's key as the file wrote it: its own `os.environ/` names, else a variable of its own for a key written out. */
function fileKey(d: DeploymentConfig): string | string[] | undefined {
  if (d.passthrough) return PASSTHROUGH_KEY;
  const written = d.fileSecrets?.apiKey;
  // None given: the family's own variable (OPENAI_API_KEY, …), which a gateway started from the export reads again.
  if (written === undefined) return undefined;
  if (written !== 'literal') return written.length > 1 ? written.map(envReference) : envReference(written[0]!);
  return d.apiKey ? keyReferences(variableName(d.id, 'API_KEY'), d.apiKeys?.length ?? 1) : undefined;
}

function fileProxy(d: DeploymentConfig): string | undefined {
  if (!d.proxy) return undefined;
  const written = d.fileSecrets?.proxy;
  return written && written !== 'literal' ? envReference(written[0]!) : proxyParam(d.proxy, variableName(d.id, 'PROXY'));
}

function fileEntries(config: GatewayConfig, appGroups: ReadonlySet<string>): ModelEntry[] {
  return config.deployments
    .filter((d) => !appGroups.has(d.modelName))
    .map((d) => {
      const key = fileKey(d);
      const proxy = fileProxy(d);
      return {
        model_name: d.modelName,
        litellm_params: {
          model: `${d.family}/${d.upstreamModel}`,
          // A provider Loopgate has no code for has no endpoint of its own to write down.
          ...(catalogEntry(d.family) ? { api_base: d.apiBase.href } : {}),
          ...(key ? { api_key: key } : {}),
          ...(d.apiVersion ? { api_version: d.apiVersion } : {}),
          ...(proxy ? { proxy } : {}),
          ...settingParams(fileDeploymentSettings(config, d)),
        },
        // Its own id (fallbacks may name it) and model facts, as the file gave them.
        ...(Object.keys(d.modelInfo).length > 0 ? { model_info: d.modelInfo } : {}),
      };
    });
}

function appEntry(d: StoredDeployment, provider: ProviderCredential): ModelEntry {
  return {
    model_name: d.modelName,
    litellm_params: {
      model: `${provider.family}/${d.upstreamModel}`,
      ...(provider.apiBase ? { api_base: provider.apiBase } : {}),
      ...(provider.passthrough ? { api_key: PASSTHROUGH_KEY } : provider.keyHint ? { api_key: keyReferences(variableName(provider.name, 'API_KEY'), provider.keyHints.length) } : {}),
      ...(provider.proxy ? { proxy: proxyParam(provider.proxy, variableName(provider.name, 'PROXY')) } : {}),
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
