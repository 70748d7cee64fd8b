// Chat pivot → a Gemini GenerateContentResponse: candidates[0].content.parts, finishReason,
// usageMetadata (candidates exclude thoughts, as Gemini counts them).
import type { ChatCompletion, ChatToolCall, ChatUsage, FinishReason } from '../../core/chat.js';
import { tokenUsage, type TokenUsage } from '../../core/usage.js';
import type { Json } from '../types.js';

/** Gemini ends a turn that calls functions with STOP too. */
export const FINISH_REASON: Record<FinishReason, string> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  tool_calls: 'STOP',
  content_filter: 'SAFETY',
};

export function usageMetadata(usage: ChatUsage | null | undefined): Json {
  const prompt = usage?.prompt_tokens ?? 0;
  const completion = usage?.completion_tokens ?? 0;
  const thoughts = usage?.completion_tokens_details?.reasoning_tokens ?? 0;
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: Math.max(0, completion - thoughts),
    totalTokenCount: prompt + completion,
    ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
    ...(cached ? { cachedContentTokenCount: cached } : {}),
  };
}

/** Gemini's usageMetadata → accounting (thoughts are output the caller pays for). */
export function usageFromGemini(meta: unknown): TokenUsage | null {
  if (typeof meta !== 'object' || meta === null) return null;
  const count = (key: string): number => {
    const value = (meta as Json)[key];
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
  };
  const promptTokens = count('promptTokenCount') + count('toolUsePromptTokenCount');
  const completionTokens = count('candidatesTokenCount') + count('thoughtsTokenCount');
  // cachedContentTokenCount is part of promptTokenCount, as OpenAI's cached_tokens is of prompt_tokens.
  const parts = { cacheReadTokens: count('cachedContentTokenCount'), reasoningTokens: count('thoughtsTokenCount') };
  return tokenUsage(promptTokens, completionTokens, parts, count('totalTokenCount') || promptTokens + completionTokens);
}

function parseArgs(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    // A model that produced broken JSON still gets its text through.
    return { _raw: text };
  }
}

export function functionCallPart(call: Pick<ChatToolCall, 'id'> & { function: { name: string; arguments: string } }): Json {
  return { functionCall: { id: call.id, name: call.function.name, args: parseArgs(call.function.arguments) } };
}

export function fromChatCompletion(completion: ChatCompletion, model: string): Json {
  const choice = completion.choices[0];
  const message = choice?.message;
  const parts: Json[] = [];
  if (message?.reasoning_content) parts.push({ text: message.reasoning_content, thought: true });
  if (message?.content) parts.push({ text: message.content });
  for (const call of message?.tool_calls ?? []) parts.push(functionCallPart(call));
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: FINISH_REASON[choice?.finish_reason ?? 'stop'] ?? 'STOP', index: 0 }],
    usageMetadata: usageMetadata(completion.usage),
    modelVersion: model,
    responseId: completion.id,
  };
}
