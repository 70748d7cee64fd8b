// Providers own talking to upstreams: one folder per family with the same small set of files
// (index, request, response, stream), plain data in and out. The family table is built from
// the shared catalog (shared/providers.ts); a deployment names its family by id.
import { PROVIDER_CATALOG, type ProviderCatalogEntry } from '../../shared/providers.js';
import type { DeploymentConfig } from '../core/deployment.js';
import { anthropicFamily } from './anthropic/index.js';
import { azureFamily } from './azure.js';
import { bedrockFamily } from './bedrock/index.js';
import { geminiFamily } from './gemini/index.js';
import { openaiCompatible } from './openai/index.js';
import type { ProviderFamily } from './types.js';

function familyFor(entry: ProviderCatalogEntry): ProviderFamily {
  switch (entry.protocol) {
    case 'anthropic':
      return anthropicFamily;
    case 'gemini':
      return geminiFamily;
    case 'bedrock':
      return bedrockFamily;
    case 'azure':
      return azureFamily;
    case 'openai':
      return openaiCompatible({ name: entry.id, defaultApiBase: entry.defaultApiBase, responsesByDefault: entry.responsesByDefault ?? false });
  }
}

const FAMILIES: ReadonlyMap<string, ProviderFamily> = new Map(PROVIDER_CATALOG.map((entry) => [entry.id, familyFor(entry)]));

/** The family serving a deployment. Deployments are validated against the catalog when made. */
export function familyOf(deployment: Pick<DeploymentConfig, 'family'>): ProviderFamily {
  const family = FAMILIES.get(deployment.family);
  if (!family) throw new Error(`No provider family "${deployment.family}"`);
  return family;
}
