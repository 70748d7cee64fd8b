// Reads what the gateway needs from OpenAI-shaped response bodies; the bytes pass unchanged.
import type { TokenUsage } from '../types.js';
import { isObject } from './request.js';

export function usageFromOpenAI(value: unknown): TokenUsage | null {
  if (!isObject(value) || !isObject(value.usage)) return null;
  const usage = value.usage;
  const promptTokens = toCount(usage.prompt_tokens ?? usage.input_tokens);
  const completionTokens = toCount(usage.completion_tokens ?? usage.output_tokens);
  const totalTokens = toCount(usage.total_tokens) || promptTokens + completionTokens;
  return { promptTokens, completionTokens, totalTokens };
}

export function usageFromOpenAIBody(body: string): TokenUsage | null {
  try {
    return usageFromOpenAI(JSON.parse(body));
  } catch {
    return null;
  }
}

function toCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
