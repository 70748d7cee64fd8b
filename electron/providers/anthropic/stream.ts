// Anthropic's event stream → chat pivot chunks, event by event.
import { chunkMaker, type ChatChunk, type FinishReason } from '../../core/chat.js';
import { SseParser } from '../../core/sse.js';
import type { ChatStreamDecoder } from '../types.js';
import { UpstreamStreamError } from '../../core/deployment.js';
import { JSON_TOOL_NAME } from './request.js';
import { chatUsageFromAnthropic, type AnthropicUsage } from '../../core/usage.js';
import { STOP_REASON_TO_FINISH } from './response.js';

type Json = Record<string, unknown>;

export class AnthropicToChatStream implements ChatStreamDecoder {
  private readonly make: ReturnType<typeof chunkMaker>;
  private readonly sse = new SseParser();
  private id = 'msg';
  private usage: AnthropicUsage = {};
  private finish: FinishReason | null = null;
  /** Anthropic block index → chat tool-call index (or 'json' for the JSON-mode tool). */
  private readonly blockKinds = new Map<number, number | 'json'>();
  private toolCount = 0;

  constructor(model: string) {
    this.make = chunkMaker(model);
  }

  push(bytes: Buffer): ChatChunk[] {
    return this.sse.push(bytes).flatMap((event) => this.translate(event.data));
  }

  end(): ChatChunk[] {
    return this.sse.end().flatMap((event) => this.translate(event.data));
  }

  private chunk(delta: ChatChunk['choices'][number]['delta'], finish: FinishReason | null = null): ChatChunk {
    return this.make(this.id, delta, finish);
  }

  private translate(data: string): ChatChunk[] {
    let event: Json;
    try {
      event = JSON.parse(data) as Json;
    } catch {
      return [];
    }
    switch (event.type) {
      case 'message_start': {
        const message = (event.message ?? {}) as Json;
        this.id = String(message.id ?? this.id);
        this.usage = { ...((message.usage as AnthropicUsage | undefined) ?? {}) };
        return [this.chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start': {
        const block = (event.content_block ?? {}) as Json;
        const index = Number(event.index);
        if (block.type === 'tool_use' && block.name === JSON_TOOL_NAME) {
          this.blockKinds.set(index, 'json');
          return [];
        }
        if (block.type === 'tool_use') {
          const toolIndex = this.toolCount++;
          this.blockKinds.set(index, toolIndex);
          return [this.chunk({ tool_calls: [{ index: toolIndex, id: String(block.id), type: 'function', function: { name: String(block.name), arguments: '' } }] })];
        }
        return [];
      }
      case 'content_block_delta': {
        const delta = (event.delta ?? {}) as Json;
        const kind = this.blockKinds.get(Number(event.index));
        if (delta.type === 'text_delta') return [this.chunk({ content: String(delta.text ?? '') })];
        if (delta.type === 'thinking_delta') return [this.chunk({ reasoning_content: String(delta.thinking ?? '') })];
        if (delta.type === 'input_json_delta' && kind === 'json') return [this.chunk({ content: String(delta.partial_json ?? '') })];
        if (delta.type === 'input_json_delta' && typeof kind === 'number') {
          return [this.chunk({ tool_calls: [{ index: kind, function: { arguments: String(delta.partial_json ?? '') } }] })];
        }
        return [];
      }
      case 'message_delta': {
        const delta = (event.delta ?? {}) as Json;
        Object.assign(this.usage, Object.fromEntries(Object.entries((event.usage as Json | undefined) ?? {}).filter(([, v]) => v !== null)));
        const jsonMode = [...this.blockKinds.values()].includes('json');
        this.finish = jsonMode ? 'stop' : (STOP_REASON_TO_FINISH[String(delta.stop_reason)] ?? 'stop');
        return [];
      }
      case 'message_stop':
        return [this.chunk({}, this.finish ?? 'stop'), { ...this.chunk({}), choices: [], usage: chatUsageFromAnthropic(this.usage) }];
      case 'error': {
        const error = (event.error ?? {}) as Json;
        throw new UpstreamStreamError(String(error.message ?? 'the upstream stream failed'), String(error.type ?? 'api_error'));
      }
      default:
        return [];
    }
  }
}
