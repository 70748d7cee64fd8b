// Gemini's streamGenerateContent (alt=sse) → chat pivot chunks.
import { chunkMaker, type ChatChunk, type ChatUsage, type FinishReason } from '../../core/chat.js';
import { SseParser } from '../../core/sse.js';
import { UpstreamStreamError } from '../../core/deployment.js';
import type { ChatStreamDecoder } from '../types.js';
import { readGemini } from './response.js';
import { callIdWithSignature } from './thought-signature.js';

export class GeminiToChatStream implements ChatStreamDecoder {
  private readonly make: ReturnType<typeof chunkMaker>;
  private readonly sse = new SseParser();
  private started = false;
  private calls = 0;
  private finish: FinishReason | null = null;
  private usage: ChatUsage | null = null;

  constructor(model: string) {
    this.make = chunkMaker(model);
  }

  push(bytes: Buffer): ChatChunk[] {
    return this.sse.push(bytes).flatMap((event) => this.translate(event.data));
  }

  end(): ChatChunk[] {
    const rest = this.sse.end().flatMap((event) => this.translate(event.data));
    const finish = this.calls > 0 ? 'tool_calls' : (this.finish ?? 'stop');
    return [...rest, this.chunk({}, finish), { ...this.chunk({}), choices: [], usage: this.usage }];
  }

  private chunk(delta: ChatChunk['choices'][number]['delta'], finish: FinishReason | null = null): ChatChunk {
    return this.make('gemini', delta, finish);
  }

  private translate(data: string): ChatChunk[] {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return [];
    }
    if (body.error) throw new UpstreamStreamError(String((body.error as { message?: unknown }).message ?? 'Gemini stream failed'));
    const pieces = readGemini(body);
    const out: ChatChunk[] = [];
    if (!this.started) {
      this.started = true;
      out.push(this.chunk({ role: 'assistant', content: '' }));
    }
    if (pieces.reasoning) out.push(this.chunk({ reasoning_content: pieces.reasoning }));
    if (pieces.text) out.push(this.chunk({ content: pieces.text }));
    for (const call of pieces.calls) {
      const index = this.calls++;
      out.push(this.chunk({ tool_calls: [{ index, id: callIdWithSignature(index, call.signature), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } }] }));
    }
    if (pieces.finish) this.finish = pieces.finish;
    if (pieces.usage) this.usage = pieces.usage;
    return out;
  }
}
