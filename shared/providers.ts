// The one provider catalog: every family the gateway serves, as pure data. The app's provider
// picker and the gateway's family table are both built from it, so they cannot drift apart.

/** Whose code serves a family: its own folder under providers/, or the OpenAI wire format. */
type ProviderProtocol = 'openai' | 'anthropic' | 'gemini' | 'azure' | 'bedrock';

export interface ProviderCatalogEntry {
  /** The prefix people write in `litellm_params.model` (`groq/llama-3.3-70b`). */
  id: string;
  label: string;
  protocol: ProviderProtocol;
  /** Base URL used when a provider names none. */
  defaultApiBase: string;
  /** Shown as the base URL placeholder in the app. */
  baseUrlHint: string;
  needsKey: boolean;
  /** What the key field asks for, where it is not a plain API key. */
  keyLabel?: string;
  /** Another spelling LiteLLM accepts for a listed entry; routable, not offered in the picker. */
  aliasOf?: string;
  /** Its default endpoint also serves the Responses API (OpenAI's does). */
  responsesByDefault?: boolean;
  /** A server on this machine (Ollama, LM Studio, ...): never reached through a proxy. */
  local?: boolean;
}

const compatible = (id: string, label: string, defaultApiBase: string, needsKey = true, aliasOf?: string): ProviderCatalogEntry => ({
  id,
  label,
  protocol: 'openai',
  defaultApiBase,
  baseUrlHint: defaultApiBase,
  needsKey,
  ...(aliasOf ? { aliasOf } : {}),
  ...(label.endsWith('(local)') ? { local: true } : {}),
});

export const PROVIDER_CATALOG: readonly ProviderCatalogEntry[] = [
  { ...compatible('openai', 'OpenAI or OpenAI-compatible', 'https://api.openai.com/v1'), responsesByDefault: true },
  { id: 'anthropic', label: 'Anthropic', protocol: 'anthropic', defaultApiBase: 'https://api.anthropic.com', baseUrlHint: 'https://api.anthropic.com', needsKey: true },
  {
    id: 'gemini',
    label: 'Google Gemini',
    protocol: 'gemini',
    defaultApiBase: 'https://generativelanguage.googleapis.com/v1beta',
    baseUrlHint: 'https://generativelanguage.googleapis.com/v1beta',
    needsKey: true,
  },
  // Azure has no shared endpoint: every deployment names its own api_base.
  { id: 'azure', label: 'Azure OpenAI', protocol: 'azure', defaultApiBase: 'https://example-resource.openai.azure.com', baseUrlHint: 'https://<resource>.openai.azure.com', needsKey: true },
  {
    id: 'bedrock',
    label: 'AWS Bedrock',
    protocol: 'bedrock',
    defaultApiBase: 'https://bedrock-runtime.us-east-1.amazonaws.com',
    baseUrlHint: 'https://bedrock-runtime.<region>.amazonaws.com',
    needsKey: true,
    keyLabel: 'Access key ID and secret, as ID:SECRET (or ID:SECRET:SESSION_TOKEN)',
  },
  compatible('ollama', 'Ollama (local)', 'http://127.0.0.1:11434/v1', false),
  compatible('lm_studio', 'LM Studio (local)', 'http://127.0.0.1:1234/v1', false),
  compatible('lmstudio', 'LM Studio (local)', 'http://127.0.0.1:1234/v1', false, 'lm_studio'),
  compatible('vllm', 'vLLM (local)', 'http://127.0.0.1:8000/v1', false),
  compatible('hosted_vllm', 'vLLM (hosted)', 'http://127.0.0.1:8000/v1', false, 'vllm'),
  compatible('llamacpp', 'llama.cpp server (local)', 'http://127.0.0.1:8080/v1', false),
  compatible('groq', 'Groq', 'https://api.groq.com/openai/v1'),
  compatible('mistral', 'Mistral', 'https://api.mistral.ai/v1'),
  compatible('deepseek', 'DeepSeek', 'https://api.deepseek.com/v1'),
  compatible('openrouter', 'OpenRouter', 'https://openrouter.ai/api/v1'),
  compatible('together_ai', 'Together AI', 'https://api.together.xyz/v1'),
  compatible('together', 'Together AI', 'https://api.together.xyz/v1', true, 'together_ai'),
  compatible('fireworks_ai', 'Fireworks AI', 'https://api.fireworks.ai/inference/v1'),
  compatible('fireworks', 'Fireworks AI', 'https://api.fireworks.ai/inference/v1', true, 'fireworks_ai'),
  compatible('xai', 'xAI', 'https://api.x.ai/v1'),
  compatible('cerebras', 'Cerebras', 'https://api.cerebras.ai/v1'),
  compatible('perplexity', 'Perplexity', 'https://api.perplexity.ai'),
  compatible('deepinfra', 'DeepInfra', 'https://api.deepinfra.com/v1/openai'),
];

/** The `api_key` that says "the client signs in": each request's own Authorization goes upstream (anthropic only). */
export const PASSTHROUGH_KEY = 'passthrough';

/** Families a client may sign in to through Loopgate with its own token (Claude Code's own login). */
export function allowsPassthrough(id: string): boolean {
  return catalogEntry(id)?.protocol === 'anthropic';
}

/** What the app's provider picker offers: every family, each spelling once. */
export const PROVIDER_CHOICES: readonly ProviderCatalogEntry[] = PROVIDER_CATALOG.filter((entry) => entry.aliasOf === undefined);

const BY_ID = new Map(PROVIDER_CATALOG.map((entry) => [entry.id, entry]));

export function catalogEntry(id: string): ProviderCatalogEntry | undefined {
  return BY_ID.get(id);
}

export function providerLabel(id: string): string {
  return BY_ID.get(id)?.label ?? id;
}
