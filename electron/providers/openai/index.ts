// OpenAI and every OpenAI-compatible server: same wire format, so requests pass through
// with only the model name changed.
import type { EndpointKind, ProviderFamily } from '../types.js';

const PATHS: Record<EndpointKind, string> = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
};

export const openaiFamily: ProviderFamily = {
  name: 'openai',
  defaultApiBase: 'https://api.openai.com/v1',
  endpointPath: (kind) => PATHS[kind],
  authHeaders: (apiKey): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
};
