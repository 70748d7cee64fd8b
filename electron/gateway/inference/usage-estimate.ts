// What a request is taken to use where no upstream said so: its prompt counted with the
// tokenizer (a budget's hold before it goes upstream; the bill of a client that left before the
// usage came), and a natively relayed stream that was cut short, counted from what was sent.
import { samplingOf } from '../../core/chat.js';
import { SseParser } from '../../core/sse.js';
import { isRecord, tokenUsage, type TokenUsage } from '../../core/usage.js';
import type { InboundDialect, Json } from '../../dialects/types.js';
import { countChatPromptTokens, countTokens, estimateTokens } from '../../providers/tokens.js';
import type { RequestSize } from '../access/budgets.js';
import { clientTextOf } from '../http/body.js';

/** The reply's limit as each dialect spells it (chat, Responses, Anthropic, Gemini). */
function replyLimitOf(body: Json): number | null {
  const generation = body.generationConfig;
  const candidates = [body.max_completion_tokens, body.max_tokens, body.max_output_tokens, isRecord(generation) ? generation.maxOutputTokens : undefined];
  for (const value of candidates) if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  return null;
}

/** An upper bound of requestSize without the tokenizer: a prompt has no more tokens than its body has bytes. */
export function requestSizeBound(body: Json): RequestSize {
  return { promptTokens: Buffer.byteLength(clientTextOf(body) ?? JSON.stringify(body)), maxTokens: replyLimitOf(body) };
}

/** The prompt's tokens and the reply's limit, read through the chat pivot. */
export async function requestSize(dialect: InboundDialect, body: Json): Promise<RequestSize> {
  try {
    const { chat } = await dialect.toChat(body);
    return { promptTokens: countChatPromptTokens(chat, estimateTokens), maxTokens: samplingOf(chat).maxTokens ?? null };
  } catch {
    // A body the translator cannot read (embeddings, say): its text stands for its prompt.
    return { promptTokens: estimateTokens(JSON.stringify(body)), maxTokens: null };
  }
}

/** Usage of an attempt the client left: what the upstream reported so far, the reply at least as long as what was sent. */
export function cutShort(reported: TokenUsage | null, sentReplyTokens: number): TokenUsage {
  const promptTokens = reported?.promptTokens ?? 0;
  const completionTokens = Math.max(reported?.completionTokens ?? 0, sentReplyTokens);
  // The cache reads the upstream reported at the start are still cheaper input.
  return tokenUsage(promptTokens, completionTokens, reported ?? {});
}

/** The bill of a client that left while the upstream had its request: the prompt, counted when the upstream had not said it yet. */
export async function leftEarlyUsage(dialect: InboundDialect, body: Json, usage: TokenUsage): Promise<TokenUsage> {
  if (usage.promptTokens > 0) return usage;
  const promptTokens = (await requestSize(dialect, body)).promptTokens;
  return { promptTokens, completionTokens: usage.completionTokens, totalTokens: promptTokens + usage.completionTokens };
}

/** How much of a stream is kept to count it; beyond that the count is scaled by length. */
const KEEP_CHARS = 1 << 20;

/** What a natively relayed stream sent (its first MiB), so a reply cut short can be counted. */
export class SentStream {
  private readonly kept: Array<Buffer | string> = [];
  private keptLength = 0;
  private length = 0;

  keep(out: Buffer | string): Buffer | string {
    this.length += out.length;
    if (this.keptLength < KEEP_CHARS && out.length > 0) {
      this.kept.push(out);
      this.keptLength += out.length;
    }
    return out;
  }

  /** Tokens of the reply text in the events sent (any dialect's), scaled up when only part was kept. */
  replyTokens(): number {
    if (this.keptLength === 0) return 0;
    const parser = new SseParser();
    let text = '';
    for (const piece of this.kept) {
      for (const event of typeof piece === 'string' ? parser.read(piece) : parser.push(piece)) text += eventText(event.data);
    }
    return Math.ceil((countTokens(text) * this.length) / this.keptLength);
  }
}

/** The reply text one streamed event adds: OpenAI chat and completions, Anthropic, Responses, Gemini. */
function eventText(data: string): string {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    return '';
  }
  if (!isRecord(event)) return '';
  if (Array.isArray(event.choices)) return event.choices.map(choiceText).join('');
  if (isRecord(event.delta)) return text(event.delta.text) + text(event.delta.thinking) + text(event.delta.partial_json);
  if (typeof event.delta === 'string' && String(event.type).endsWith('.delta')) return event.delta;
  if (Array.isArray(event.candidates)) {
    return event.candidates
      .flatMap((candidate: unknown): unknown[] => (isRecord(candidate) && isRecord(candidate.content) && Array.isArray(candidate.content.parts) ? (candidate.content.parts as unknown[]) : []))
      .map((part: unknown) => (isRecord(part) ? text(part.text) + (isRecord(part.functionCall) ? JSON.stringify(part.functionCall.args ?? {}) : '') : ''))
      .join('');
  }
  return '';
}

function choiceText(choice: unknown): string {
  if (!isRecord(choice)) return '';
  const delta = isRecord(choice.delta) ? choice.delta : {};
  const calls = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
  const args = calls.map((call: unknown) => (isRecord(call) && isRecord(call.function) ? text(call.function.name) + text(call.function.arguments) : '')).join('');
  return text(choice.text) + text(delta.content) + text(delta.reasoning_content) + args;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
