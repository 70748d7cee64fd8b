// Gemini GenerateContentResponse (whole, or one streamed chunk) → chat pivot pieces.
import type { ChatCompletion, ChatToolCall, FinishReason } from '../../core/chat.js';
import { chatCompletion, usageOf } from '../../core/chat.js';
import { callIdWithSignature } from './thought-signature.js';

type Json = Record<string, unknown>;

const FINISH: Record<string, FinishReason> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
};

export interface GeminiPieces {
  text: string;
  reasoning: string;
  /** Each call with the thought signature Gemini put on its part, if any. */
  calls: Array<{ name: string; args: unknown; signature?: unknown }>;
  finish: FinishReason | null;
  usage: ReturnType<typeof usageOf> | null;
}

export function readGemini(body: Json): GeminiPieces {
  const candidate = ((body.candidates as Json[] | undefined) ?? [])[0] ?? {};
  const parts = ((candidate.content as Json | undefined)?.parts as Json[] | undefined) ?? [];
  const pieces: GeminiPieces = { text: '', reasoning: '', calls: [], finish: null, usage: null };
  for (const part of parts) {
    if (part.functionCall) {
      const call = part.functionCall as Json;
      pieces.calls.push({ name: String(call.name), args: call.args ?? {}, signature: part.thoughtSignature });
    } else if (typeof part.text === 'string') {
      if (part.thought === true) pieces.reasoning += part.text;
      else pieces.text += part.text;
    }
  }
  if (typeof candidate.finishReason === 'string') pieces.finish = FINISH[candidate.finishReason] ?? 'stop';
  const meta = body.usageMetadata as Json | undefined;
  if (meta) {
    const prompt = Number(meta.promptTokenCount ?? 0);
    const completion = Number(meta.candidatesTokenCount ?? 0) + Number(meta.thoughtsTokenCount ?? 0);
    pieces.usage = usageOf(prompt, completion, Number(meta.cachedContentTokenCount ?? 0), Number(meta.thoughtsTokenCount ?? 0));
  }
  return pieces;
}

export function fromGeminiResponse(body: Json, model: string): ChatCompletion {
  const pieces = readGemini(body);
  const toolCalls: ChatToolCall[] = pieces.calls.map((call, index) => ({ id: callIdWithSignature(index, call.signature), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } }));
  return chatCompletion({
    id: String(body.responseId ?? 'gemini'),
    model,
    text: pieces.text,
    reasoning: pieces.reasoning,
    toolCalls,
    finish: toolCalls.length ? 'tool_calls' : (pieces.finish ?? 'stop'),
    usage: pieces.usage,
  });
}
