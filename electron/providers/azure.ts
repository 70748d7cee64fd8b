// Azure OpenAI: the OpenAI wire format at deployment URLs, with `api-version` and an `api-key`
// header. The deployment name is the model after `azure/`.
import { openaiCompatible } from './openai/index.js';

const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export const azureFamily = openaiCompatible({
  name: 'azure',
  // Azure has no shared endpoint: every deployment names its own api_base.
  defaultApiBase: 'https://example-resource.openai.azure.com',
  path: (native, deployment) => {
    const version = encodeURIComponent(deployment.apiVersion ?? DEFAULT_AZURE_API_VERSION);
    return `/openai/deployments/${encodeURIComponent(deployment.upstreamModel)}${native}?api-version=${version}`;
  },
  auth: (deployment): Record<string, string> => (deployment.apiKey ? { 'api-key': deployment.apiKey } : {}),
});
