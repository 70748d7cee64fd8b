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

/** How much text may follow a usage member for it to be read on its own (usage comes last, or nearly). */
const MAX_TAIL = 4096;

/**
 * The top-level member `key` of a JSON object's text, as `{ key: value, …what follows it }`,
 * parsed without the rest of the body: an answer passed through unchanged needs only its usage.
 * Null when that member is not an object near the end (the caller then parses everything).
 * Sound for valid JSON: an unescaped `"key"` whose text from there parses as the members of one
 * object up to the final `}` is a key of the outermost object.
 */
export function trailingMember(text: string, key: string): Record<string, unknown> | null {
  const at = text.lastIndexOf(`"${key}"`);
  if (at <= 0 || text.length - at > MAX_TAIL || text.charCodeAt(0) !== 0x7b || text.charCodeAt(at - 1) === 0x5c) return null;
  try {
    const members: unknown = JSON.parse(`{${text.slice(at)}`);
    return isRecord(members) && isRecord(members[key]) ? members : null;
  } catch {
    return null;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
