// Token usage, and the one conversion from each wire format's usage object into it. Dialects
// and provider families both read usage, so the conversions live here, below both.
import { usageOf, type ChatUsage } from './chat.js';

export interface TokenUsage {
  /** Every input token, read from the prompt cache or written to it included (OpenAI's count). */
  promptTokens: number;
  /** Every output token, reasoning included. */
  completionTokens: number;
  totalTokens: number;
  /** The part of promptTokens read from the provider's prompt cache (priced far below fresh input). */
  cacheReadTokens?: number;
  /** The part of promptTokens written to the prompt cache (priced above fresh input). */
  cacheWriteTokens?: number;
  /** The part of cacheWriteTokens kept for an hour (Anthropic's 1-hour cache, priced higher again). */
  cacheWrite1hTokens?: number;
  /** The part of completionTokens spent reasoning. */
  reasoningTokens?: number;
}

export interface UsageParts {
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  reasoningTokens: number;
}

/** A usage with its parts, each kept only when non-zero and held inside its total (an upstream's odd counts never price below zero). */
export function tokenUsage(promptTokens: number, completionTokens: number, parts: Partial<UsageParts> = {}, totalTokens = promptTokens + completionTokens): TokenUsage {
  const usage: TokenUsage = { promptTokens, completionTokens, totalTokens };
  const cacheRead = Math.min(parts.cacheReadTokens ?? 0, promptTokens);
  const cacheWrite = Math.min(parts.cacheWriteTokens ?? 0, promptTokens - cacheRead);
  const cacheWrite1h = Math.min(parts.cacheWrite1hTokens ?? 0, cacheWrite);
  const reasoning = Math.min(parts.reasoningTokens ?? 0, completionTokens);
  if (cacheRead > 0) usage.cacheReadTokens = cacheRead;
  if (cacheWrite > 0) usage.cacheWriteTokens = cacheWrite;
  if (cacheWrite1h > 0) usage.cacheWrite1hTokens = cacheWrite1h;
  if (reasoning > 0) usage.reasoningTokens = reasoning;
  return usage;
}

/**
 * OpenAI's `usage` (chat, completions, embeddings, and Responses' input/output names), with its
 * parts: `cached_tokens`, `reasoning_tokens`, and the cache writes some OpenAI-compatible
 * upstreams report (`cache_write_tokens`; LiteLLM's `cache_creation_input_tokens`).
 */
export function usageFromOpenAI(value: unknown): TokenUsage | null {
  if (!isRecord(value) || !isRecord(value.usage)) return null;
  const usage = value.usage;
  const promptTokens = toCount(usage.prompt_tokens ?? usage.input_tokens);
  const completionTokens = toCount(usage.completion_tokens ?? usage.output_tokens);
  const input = record(usage.prompt_tokens_details ?? usage.input_tokens_details);
  const output = record(usage.completion_tokens_details ?? usage.output_tokens_details);
  const parts = {
    cacheReadTokens: toCount(input.cached_tokens),
    cacheWriteTokens: toCount(input.cache_write_tokens ?? usage.cache_creation_input_tokens),
    cacheWrite1hTokens: toCount(input.cache_write_1h_tokens),
    reasoningTokens: toCount(output.reasoning_tokens),
  };
  return tokenUsage(promptTokens, completionTokens, parts, toCount(usage.total_tokens) || promptTokens + completionTokens);
}

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  /** The cache writes by how long they are kept. */
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null;
}

/** Anthropic counts cache reads and writes apart from input_tokens; every other count here includes them. */
export function usageFromAnthropic(usage: AnthropicUsage): TokenUsage {
  const cacheReadTokens = toCount(usage.cache_read_input_tokens);
  const cacheWriteTokens = toCount(usage.cache_creation_input_tokens);
  const promptTokens = toCount(usage.input_tokens) + cacheReadTokens + cacheWriteTokens;
  return tokenUsage(promptTokens, toCount(usage.output_tokens), { cacheReadTokens, cacheWriteTokens, cacheWrite1hTokens: toCount(usage.cache_creation?.ephemeral_1h_input_tokens) });
}

/** Anthropic's usage in the chat pivot: cache writes ride in prompt_tokens_details, as OpenAI-compatible upstreams report them. */
export function chatUsageFromAnthropic(usage: AnthropicUsage): ChatUsage {
  return chatUsage(usageFromAnthropic(usage));
}

/** The chat pivot's usage object for a usage with its parts. */
function chatUsage(usage: TokenUsage): ChatUsage {
  return usageOf(usage.promptTokens, usage.completionTokens, usage.cacheReadTokens, usage.reasoningTokens, usage.cacheWriteTokens, usage.cacheWrite1hTokens);
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

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function toCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
