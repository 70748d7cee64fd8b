// OpenAI and every OpenAI-compatible server: same wire format, so requests pass through with
// only the model name changed. The catalog of compatible providers, Azure and Ollama are
// variations on this one family (a table row each, not a folder).
import type { DeploymentConfig } from '../../core/deployment.js';
import type { ChatCompletion } from '../../core/chat.js';
import type { Dialect } from '../../core/deployment.js';
import type { ProviderFamily } from '../types.js';
import { OpenAIChatStreamDecoder } from './stream.js';
import { reasoningForDeployment } from './reasoning.js';

const NATIVE_PATHS: Partial<Record<Dialect, string>> = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
  images: '/images/generations',
  moderations: '/moderations',
  responses: '/responses',
};

export interface OpenAICompatibleOptions {
  name: string;
  defaultApiBase: string;
  /** Whether the provider's default endpoint serves `/responses` (OpenAI's does). */
  responsesByDefault?: boolean;
  /** Turns a native path into the provider's URL layout (Azure's deployment URLs). */
  path?: (path: string, deployment: DeploymentConfig) => string;
  auth?: (deployment: DeploymentConfig) => Record<string, string>;
}

const bearer = (deployment: DeploymentConfig): Record<string, string> => (deployment.apiKey ? { authorization: `Bearer ${deployment.apiKey}` } : {});

/** LiteLLM marks Responses-capable deployments with `model_info.mode: responses`. */
function servesResponses(deployment: DeploymentConfig, byDefault: boolean, defaultApiBase: string): boolean {
  const mode = deployment.modelInfo.mode;
  if (mode === 'responses') return true;
  if (mode !== undefined) return false;
  return byDefault && deployment.apiBase.href === new URL(defaultApiBase).href;
}

export function openaiCompatible(options: OpenAICompatibleOptions): ProviderFamily {
  const path = options.path ?? ((native: string) => native);
  return {
    name: options.name,
    defaultApiBase: options.defaultApiBase,
    speaks: (dialect, deployment) => (dialect === 'responses' ? servesResponses(deployment, options.responsesByDefault ?? false, options.defaultApiBase) : NATIVE_PATHS[dialect] !== undefined),
    nativePath: (dialect, deployment) => path(NATIVE_PATHS[dialect] ?? '/chat/completions', deployment),
    authHeaders: options.auth ?? bearer,
    // The OpenAI wire format passes every field through; the upstream answers for what it cannot take.
    unsupportedParams: () => [],
    chatRequest: (pivot, deployment) => {
      const chat = reasoningForDeployment(pivot, deployment);
      // Usage is how spend is counted, so every stream asks for it.
      return { path: path('/chat/completions', deployment), body: JSON.stringify(chat.stream ? { ...chat, stream_options: { ...chat.stream_options, include_usage: true } } : chat) };
    },
    chatResponse: (body) => body as unknown as ChatCompletion,
    chatStream: () => new OpenAIChatStreamDecoder(),
  };
}
