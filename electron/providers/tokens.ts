// Token counts where no upstream gives them: count_tokens for non-Anthropic models, and usage
// for upstreams that report none. o200k_base (gpt-tokenizer) is an estimate for other vendors'
// models, which is what LiteLLM does too.
import { createRequire } from 'node:module';
import type { encode as gptEncode } from 'gpt-tokenizer';
import type { ChatChunk, ChatRequest } from '../core/chat.js';
import { contentText } from '../core/chat.js';

type Encode = typeof gptEncode;
let encoder: Encode | null = null;

/** Loaded on first use: its tables cost about a tenth of a second, which start-up should not pay. */
function encode(text: string): number[] {
  encoder ??= (createRequire(import.meta.url)('gpt-tokenizer') as { encode: Encode }).encode;
  return encoder(text);
}

/** OpenAI's chat accounting: a few tokens of framing per message, and the reply's priming. */
const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;

export function countTokens(text: string): number {
  return text ? encode(text).length : 0;
}

/** Past this many characters a text is estimated from a sample (tokenizing 500 kB takes tens of ms). */
const SAMPLE_CHARS = 32_768;

/** Tokens of `text`, counted exactly when short, else from its start and end scaled to its length. */
export function estimateTokens(text: string): number {
  if (text.length <= SAMPLE_CHARS) return countTokens(text);
  const half = SAMPLE_CHARS / 2;
  const sampled = countTokens(text.slice(0, half)) + countTokens(text.slice(-half));
  return Math.ceil((sampled * text.length) / SAMPLE_CHARS);
}

export function countChatPromptTokens(chat: ChatRequest, count: (text: string) => number = countTokens): number {
  let total = REPLY_PRIMING;
  for (const message of chat.messages) {
    total += PER_MESSAGE + count(contentText(message.content));
    for (const call of message.tool_calls ?? []) total += count(call.function.name) + count(call.function.arguments);
  }
  if (chat.tools?.length) total += count(JSON.stringify(chat.tools));
  return total;
}

/** Collects a streamed reply's text so its tokens can be counted when the upstream sent no usage. */
export class ReplyTally {
  private text = '';
  sawUsage = false;

  add(chunk: ChatChunk): void {
    if (chunk.usage) this.sawUsage = true;
    const delta = chunk.choices[0]?.delta;
    if (!delta) return;
    this.text += (delta.content ?? '') + (delta.reasoning_content ?? '');
    for (const call of delta.tool_calls ?? []) this.text += (call.function?.name ?? '') + (call.function?.arguments ?? '');
  }

  tokens(): number {
    return countTokens(this.text);
  }
}
