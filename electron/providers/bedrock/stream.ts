// Bedrock ConverseStream: AWS's binary event stream, decoded with Smithy's maintained codec,
// → chat pivot chunks.
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { chunkMaker, type ChatChunk, type FinishReason } from '../../core/chat.js';
import { UpstreamStreamError } from '../../core/deployment.js';
import type { ChatStreamDecoder } from '../types.js';
import { converseUsage, STOP_REASON } from './response.js';

type Json = Record<string, unknown>;

export class ConverseToChatStream implements ChatStreamDecoder {
  private readonly make: ReturnType<typeof chunkMaker>;
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);
  /** Converse block index → chat tool-call index. */
  private readonly toolIndexes = new Map<number, number>();
  private finish: FinishReason | null = null;
  private finished = false;
  /** Bytes of a frame still arriving; the codec decodes whole frames only. */
  private pending: Buffer = Buffer.alloc(0);

  constructor(model: string) {
    this.make = chunkMaker(model);
  }

  push(bytes: Buffer): ChatChunk[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    // Each frame starts with its total length (4 bytes, big-endian).
    while (this.pending.length >= 4 && this.pending.length >= this.pending.readUInt32BE(0)) {
      const length = this.pending.readUInt32BE(0);
      this.codec.feed(this.pending.subarray(0, length));
      this.pending = this.pending.subarray(length);
    }
    return this.drain();
  }

  end(): ChatChunk[] {
    if (this.pending.length > 0) throw new UpstreamStreamError('the Bedrock stream ended in the middle of a frame');
    this.codec.endOfStream();
    const out = this.drain();
    if (!this.finished) out.push(this.chunk({}, this.finish ?? 'stop'));
    return out;
  }

  private chunk(delta: ChatChunk['choices'][number]['delta'], finish: FinishReason | null = null): ChatChunk {
    return this.make('bedrock', delta, finish);
  }

  private drain(): ChatChunk[] {
    const out: ChatChunk[] = [];
    for (const message of this.codec.getAvailableMessages().getMessages()) {
      const kind = String(message.headers[':message-type']?.value ?? '');
      const body = JSON.parse(toUtf8(message.body) || '{}') as Json;
      if (kind === 'exception' || kind === 'error') {
        throw new UpstreamStreamError(String(body.message ?? message.headers[':exception-type']?.value ?? 'Bedrock stream failed'));
      }
      out.push(...this.translate(String(message.headers[':event-type']?.value ?? ''), body));
    }
    return out;
  }

  private translate(type: string, event: Json): ChatChunk[] {
    const blockIndex = Number(event.contentBlockIndex ?? 0);
    switch (type) {
      case 'messageStart':
        return [this.chunk({ role: 'assistant', content: '' })];
      case 'contentBlockStart': {
        const use = (event.start as Json | undefined)?.toolUse as Json | undefined;
        if (!use) return [];
        const index = this.toolIndexes.size;
        this.toolIndexes.set(blockIndex, index);
        return [this.chunk({ tool_calls: [{ index, id: String(use.toolUseId), type: 'function', function: { name: String(use.name), arguments: '' } }] })];
      }
      case 'contentBlockDelta': {
        const delta = (event.delta ?? {}) as Json;
        if (typeof delta.text === 'string') return [this.chunk({ content: delta.text })];
        const input = (delta.toolUse as Json | undefined)?.input;
        if (typeof input === 'string') return [this.chunk({ tool_calls: [{ index: this.toolIndexes.get(blockIndex) ?? 0, function: { arguments: input } }] })];
        const thought = (delta.reasoningContent as Json | undefined)?.text;
        if (typeof thought === 'string') return [this.chunk({ reasoning_content: thought })];
        return [];
      }
      case 'messageStop':
        this.finish = STOP_REASON[String(event.stopReason)] ?? 'stop';
        return [];
      case 'metadata':
        this.finished = true;
        return [this.chunk({}, this.finish ?? 'stop'), { ...this.chunk({}), choices: [], usage: converseUsage(event.usage as Json | undefined) }];
      default:
        return [];
    }
  }
}
