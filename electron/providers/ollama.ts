// Ollama model discovery: a deployment written as `ollama/*` stands for every model the
// server lists at /api/tags, found once at start-up.
import { request } from 'undici';
import type { DeploymentConfig } from '../core/deployment.js';
import type { Logger } from '../core/logger.js';

const DISCOVERY_TIMEOUT_MS = 3_000;
const WILDCARD = '*';

export async function discoverOllamaModels(apiBase: URL): Promise<string[]> {
  const response = await request(new URL('/api/tags', apiBase.origin), {
    headersTimeout: DISCOVERY_TIMEOUT_MS,
    bodyTimeout: DISCOVERY_TIMEOUT_MS,
  });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(`GET /api/tags answered ${response.statusCode}`);
  }
  const body = (await response.body.json()) as { models?: Array<{ name?: unknown }> };
  return (body.models ?? []).map((model) => model.name).filter((name): name is string => typeof name === 'string');
}

/** Replaces each `ollama/*` deployment by one per discovered model; an unreachable server is logged and skipped. */
export async function expandOllamaWildcards(deployments: readonly DeploymentConfig[], logger: Logger): Promise<DeploymentConfig[]> {
  const expanded: DeploymentConfig[] = [];
  for (const deployment of deployments) {
    if (deployment.family !== 'ollama' || deployment.upstreamModel !== WILDCARD) {
      expanded.push(deployment);
      continue;
    }
    try {
      const names = await discoverOllamaModels(deployment.apiBase);
      for (const name of names) {
        const modelName = deployment.modelName.includes(WILDCARD) ? deployment.modelName.replace(WILDCARD, name) : name;
        expanded.push({ ...deployment, id: `${modelName}#ollama`, modelName, upstreamModel: name });
      }
      logger.log('info', `Found ${names.length} Ollama models at ${deployment.apiBase.origin}`, { models: names.join(',') });
    } catch (error) {
      logger.log('warn', `Could not list Ollama models at ${deployment.apiBase.origin}: ${(error as Error).message}`);
    }
  }
  return expanded;
}
