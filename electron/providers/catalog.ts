// OpenAI-compatible providers addressable by prefix (`groq/llama-3.3-70b`), with their default
// base URLs. A row each: they share the openai family's code.
export const OPENAI_COMPATIBLE_CATALOG: ReadonlyArray<{ name: string; defaultApiBase: string }> = [
  { name: 'groq', defaultApiBase: 'https://api.groq.com/openai/v1' },
  { name: 'mistral', defaultApiBase: 'https://api.mistral.ai/v1' },
  { name: 'deepseek', defaultApiBase: 'https://api.deepseek.com/v1' },
  { name: 'openrouter', defaultApiBase: 'https://openrouter.ai/api/v1' },
  { name: 'together_ai', defaultApiBase: 'https://api.together.xyz/v1' },
  { name: 'together', defaultApiBase: 'https://api.together.xyz/v1' },
  { name: 'fireworks_ai', defaultApiBase: 'https://api.fireworks.ai/inference/v1' },
  { name: 'fireworks', defaultApiBase: 'https://api.fireworks.ai/inference/v1' },
  { name: 'xai', defaultApiBase: 'https://api.x.ai/v1' },
  { name: 'cerebras', defaultApiBase: 'https://api.cerebras.ai/v1' },
  { name: 'perplexity', defaultApiBase: 'https://api.perplexity.ai' },
  { name: 'deepinfra', defaultApiBase: 'https://api.deepinfra.com/v1/openai' },
  { name: 'lm_studio', defaultApiBase: 'http://127.0.0.1:1234/v1' },
  { name: 'lmstudio', defaultApiBase: 'http://127.0.0.1:1234/v1' },
  { name: 'hosted_vllm', defaultApiBase: 'http://127.0.0.1:8000/v1' },
  { name: 'vllm', defaultApiBase: 'http://127.0.0.1:8000/v1' },
  { name: 'llamacpp', defaultApiBase: 'http://127.0.0.1:8080/v1' },
];
