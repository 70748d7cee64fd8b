// A LiteLLM config.yaml in and out of the store: import copies its providers and models (they
// become editable); export writes the store's and the file's models, secrets as env references.
import { z } from 'zod';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { ImportResult } from '../../shared/api.js';
import { ConfigError, parseConfigText, type Environment, type GatewayConfig } from '../config/index.js';
import type { DeploymentConfig } from '../core/deployment.js';
import { GatewayError } from '../core/errors.js';
import type { Store } from '../store/index.js';
import { randomBase62 } from '../store/secrets.js';
import type { LiveRouting } from './ports.js';
import { parseInput } from './validation.js';

const importSchema = z.object({ yaml: z.string() });
/** Sections the import does not copy yet, said plainly in its result. */
const NOT_IMPORTED = ['router_settings', 'litellm_settings', 'general_settings'];

export interface ConfigServiceDeps {
  store: Store;
  config: GatewayConfig;
  routing: LiveRouting;
  env: Environment;
  clock: () => number;
}

/** The credential a stored provider keeps: the API key, or Bedrock's `ID:SECRET[:SESSION]`. */
function storedCredential(deployment: DeploymentConfig): string | null {
  const aws = deployment.aws;
  if (!aws) return deployment.apiKey;
  return [aws.accessKeyId, aws.secretAccessKey, ...(aws.sessionToken ? [aws.sessionToken] : [])].join(':');
}

export class ConfigService {
  constructor(private readonly deps: ConfigServiceDeps) {}

  async export(): Promise<{ yaml: string }> {
    const { store, config } = this.deps;
    const providers = new Map((await store.providers.list()).map((provider) => [provider.id, provider]));
    const model_list = [
      ...config.deployments.map((d) => ({ model_name: d.modelName, litellm_params: { model: `${d.family}/${d.upstreamModel}`, api_base: d.apiBase.href } })),
      ...(await store.deployments.list()).flatMap((d) => {
        const provider = providers.get(d.providerId);
        if (!provider) return [];
        const envName = `${provider.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
        return [
          {
            model_name: d.modelName,
            litellm_params: {
              model: `${provider.family}/${d.upstreamModel}`,
              ...(provider.apiBase ? { api_base: provider.apiBase } : {}),
              // Secrets never leave in clear: the export names an environment variable instead.
              ...(provider.keyHint ? { api_key: `os.environ/${envName}` } : {}),
            },
          },
        ];
      }),
    ];
    return { yaml: toYaml({ model_list, router_settings: { routing_strategy: config.routing.strategy, num_retries: config.routing.numRetries } }) };
  }

  async import(input: { yaml: string }): Promise<ImportResult> {
    const { yaml } = parseInput(importSchema, input);
    const { store, clock } = this.deps;
    let imported: GatewayConfig;
    try {
      imported = parseConfigText(yaml, { env: this.deps.env });
    } catch (error) {
      throw new GatewayError('invalid_request', error instanceof ConfigError ? `config.yaml: ${error.message}` : String(error), { param: 'yaml' });
    }
    // One stored provider per family, base URL and credential, however many models share it.
    const providerIds = new Map<string, string>();
    for (const deployment of imported.deployments) {
      const credential = storedCredential(deployment);
      const identity = `${deployment.family}\u0000${deployment.apiBase.href}\u0000${credential ?? ''}`;
      let providerId = providerIds.get(identity);
      if (!providerId) {
        providerId = `prov_${randomBase62(12)}`;
        const name = `${deployment.family} · ${deployment.apiBase.host}`;
        await store.providers.create(providerId, { name, family: deployment.family, apiBase: deployment.apiBase.href, apiKey: credential }, clock());
        providerIds.set(identity, providerId);
      }
      await store.deployments.create({ id: `dep_${randomBase62(12)}`, modelName: deployment.modelName, providerId, upstreamModel: deployment.upstreamModel, createdAt: clock() });
    }
    await this.deps.routing.refresh();
    const raw = parseYaml(yaml) as Record<string, unknown> | null;
    const skipped = NOT_IMPORTED.filter((section) => raw && section in raw);
    return { providers: providerIds.size, models: imported.deployments.length, skipped: [...skipped, ...imported.unsupported] };
  }
}
