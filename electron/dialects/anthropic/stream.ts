// Chat pivot chunks → Anthropic's event stream: message_start, content blocks (thinking,
// text, tool_use with input_json_delta), message_delta with the stop reason and usage,
// message_stop.
import { usageFromOpenAI } from '../../core/usage.js';
import { sseEvent } from '../../core/sse.js';
import type { TokenUsage } from '../../core/usage.js';
import type { ChatChunk, ChatUsage, FinishReason } from '../../core/chat.js';
import type { ChatStreamEncoder, Json } from '../types.js';
import { anthropicUsage, FINISH_TO_STOP_REASON, messageId } from './response.js';
import { reasoningSignature } from '../reasoning-signature.js';

type OpenBlock = { kind: 'text' | 'thinking' } | { kind: 'tool'; toolIndex: number };

export class AnthropicEncoder implements ChatStreamEncoder {
  usage: TokenUsage | null = null;
  private started = false;
  private blockIndex = -1;
  private open: OpenBlock | null = null;
  private finish: FinishReason | null = null;
  private chatUsage: ChatUsage | null = null;
  /** The open thinking block's text, for its signature. */
  private thinking = '';

  constructor(private readonly model: string) {}

  push(chunk: ChatChunk): string {
    let out = this.start(chunk.id);
    if (chunk.usage) {
      this.chatUsage = chunk.usage;
      this.usage = usageFromOpenAI(chunk);
    }
    const choice = chunk.choices[0];
    if (!choice) return out;
    const delta = choice.delta;
    if (delta.reasoning_content) {
      out += this.ensure({ kind: 'thinking' }, { type: 'thinking', thinking: '' });
      this.thinking += delta.reasoning_content;
      out += this.delta({ type: 'thinking_delta', thinking: delta.reasoning_content });
    }
    if (delta.content) {
      out += this.ensure({ kind: 'text' }, { type: 'text', text: '' });
      out += this.delta({ type: 'text_delta', text: delta.content });
    }
    for (const call of delta.tool_calls ?? []) {
      const isNew = !(this.open?.kind === 'tool' && this.open.toolIndex === call.index);
      if (isNew) {
        out += this.close();
        this.open = { kind: 'tool', toolIndex: call.index };
        this.blockIndex++;
        out += sseEvent(
          { type: 'content_block_start', index: this.blockIndex, content_block: { type: 'tool_use', id: call.id ?? `toolu_${call.index}`, name: call.function?.name ?? '', input: {} } },
          'content_block_start',
        );
      }
      if (call.function?.arguments) out += this.delta({ type: 'input_json_delta', partial_json: call.function.arguments });
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  end(): string {
    let out = this.start('loopgate');
    out += this.close();
    const usage = anthropicUsage(this.chatUsage);
    out += sseEvent({ type: 'message_delta', delta: { stop_reason: FINISH_TO_STOP_REASON[this.finish ?? 'stop'], stop_sequence: null }, usage }, 'message_delta');
    out += sseEvent({ type: 'message_stop' }, 'message_stop');
    return out;
  }

  private start(id: string): string {
    if (this.started) return '';
    this.started = true;
    const message = {
      id: messageId(id),
      type: 'message',
      role: 'assistant',
      model: this.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return sseEvent({ type: 'message_start', message }, 'message_start');
  }

  private ensure(block: OpenBlock, contentBlock: Json): string {
    if (this.open?.kind === block.kind) return '';
    const out = this.close();
    this.open = block;
    this.blockIndex++;
    return out + sseEvent({ type: 'content_block_start', index: this.blockIndex, content_block: contentBlock }, 'content_block_start');
  }

  private delta(delta: Json): string {
    return sseEvent({ type: 'content_block_delta', index: this.blockIndex, delta }, 'content_block_delta');
  }

  private close(): string {
    if (!this.open) return '';
    // Signed, the thinking stays in the client's history and comes back to Loopgate next turn.
    const signed = this.open.kind === 'thinking' ? this.delta({ type: 'signature_delta', signature: reasoningSignature(this.thinking) }) : '';
    this.open = null;
    this.thinking = '';
    return signed + sseEvent({ type: 'content_block_stop', index: this.blockIndex }, 'content_block_stop');
  }
}
