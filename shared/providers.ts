// Provider types the GUI offers, with what a person needs to fill in for each.
export interface ProviderChoice {
  family: string;
  label: string;
  /** Shown as the base URL placeholder; empty means the provider's own default. */
  baseUrlHint: string;
  needsKey: boolean;
}

export const PROVIDER_CHOICES: readonly ProviderChoice[] = [
  { family: 'openai', label: 'OpenAI or OpenAI-compatible', baseUrlHint: 'https://api.openai.com/v1', needsKey: true },
  { family: 'anthropic', label: 'Anthropic', baseUrlHint: 'https://api.anthropic.com', needsKey: true },
  { family: 'gemini', label: 'Google Gemini', baseUrlHint: 'https://generativelanguage.googleapis.com/v1beta', needsKey: true },
  { family: 'azure', label: 'Azure OpenAI', baseUrlHint: 'https://<resource>.openai.azure.com', needsKey: true },
  { family: 'ollama', label: 'Ollama (local)', baseUrlHint: 'http://127.0.0.1:11434/v1', needsKey: false },
  { family: 'lm_studio', label: 'LM Studio (local)', baseUrlHint: 'http://127.0.0.1:1234/v1', needsKey: false },
  { family: 'groq', label: 'Groq', baseUrlHint: 'https://api.groq.com/openai/v1', needsKey: true },
  { family: 'mistral', label: 'Mistral', baseUrlHint: 'https://api.mistral.ai/v1', needsKey: true },
  { family: 'deepseek', label: 'DeepSeek', baseUrlHint: 'https://api.deepseek.com/v1', needsKey: true },
  { family: 'openrouter', label: 'OpenRouter', baseUrlHint: 'https://openrouter.ai/api/v1', needsKey: true },
  { family: 'together_ai', label: 'Together AI', baseUrlHint: 'https://api.together.xyz/v1', needsKey: true },
  { family: 'fireworks_ai', label: 'Fireworks AI', baseUrlHint: 'https://api.fireworks.ai/inference/v1', needsKey: true },
  { family: 'xai', label: 'xAI', baseUrlHint: 'https://api.x.ai/v1', needsKey: true },
];

export function providerLabel(family: string): string {
  return PROVIDER_CHOICES.find((choice) => choice.family === family)?.label ?? family;
}
