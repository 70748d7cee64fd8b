// Token usage, and the one conversion from each wire format's usage object into it. Dialects
// and provider families both read usage, so the conversions live here, below both.
import { usageOf, type ChatUsage } from './chat.js';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** OpenAI's `usage` (chat, completions, embeddings, and Responses' input/output names). */
export function usageFromOpenAI(value: unknown): TokenUsage | null {
  if (!isRecord(value) || !isRecord(value.usage)) return null;
  const usage = value.usage;
  const promptTokens = toCount(usage.prompt_tokens ?? usage.input_tokens);
  const completionTokens = toCount(usage.completion_tokens ?? usage.output_tokens);
  const totalTokens = toCount(usage.total_tokens) || promptTokens + completionTokens;
  return { promptTokens, completionTokens, totalTokens };
}

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** Anthropic counts cached input apart; chat's prompt_tokens includes it. */
export function chatUsageFromAnthropic(usage: AnthropicUsage): ChatUsage {
  const cached = usage.cache_read_input_tokens ?? 0;
  const prompt = (usage.input_tokens ?? 0) + cached + (usage.cache_creation_input_tokens ?? 0);
  return usageOf(prompt, usage.output_tokens ?? 0, cached);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
