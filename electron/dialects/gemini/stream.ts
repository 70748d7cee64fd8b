// Gemini's streams: with `?alt=sse` each GenerateContentResponse is an SSE event; without it
// the answer is one JSON array whose elements arrive as they are made. Chat pivot chunks are
// re-said as such responses (text and thoughts as they come, function calls once complete);
// natively relayed SSE passes untouched, or is re-framed as the array.
import { usageFromOpenAI, type TokenUsage } from '../../core/usage.js';
import { SseParser } from '../../core/sse.js';
import type { ChatChunk, ChatUsage, FinishReason } from '../../core/chat.js';
import type { ChatStreamEncoder, Json, NativeStreamScanner } from '../types.js';
import { FINISH_REASON, functionCallPart, usageFromGemini, usageMetadata } from './response.js';

/** Writes one response at a time in the client's framing. */
export class Framing {
  private written = 0;

  constructor(readonly sse: boolean) {}

  frame(response: Json): string {
    const json = JSON.stringify(response);
    if (this.sse) return `data: ${json}\r\n\r\n`;
    return `${this.written++ === 0 ? '[' : ',\r\n'}${json}`;
  }

  close(): string {
    if (this.sse) return '';
    return this.written === 0 ? '[]' : ']';
  }
}

interface PendingCall {
  id: string;
  name: string;
  args: string;
}

export class GeminiEncoder implements ChatStreamEncoder {
  usage: TokenUsage | null = null;
  private readonly calls = new Map<number, PendingCall>();
  private finish: FinishReason | null = null;
  private chatUsage: ChatUsage | null = null;
  private id = '';

  constructor(
    private readonly model: string,
    private readonly framing: Framing,
  ) {}

  push(chunk: ChatChunk): string {
    this.id ||= chunk.id;
    if (chunk.usage) {
      this.chatUsage = chunk.usage;
      this.usage = usageFromOpenAI(chunk);
    }
    const choice = chunk.choices[0];
    if (!choice) return '';
    const { delta } = choice;
    const parts: Json[] = [];
    if (delta.reasoning_content) parts.push({ text: delta.reasoning_content, thought: true });
    if (delta.content) parts.push({ text: delta.content });
    for (const call of delta.tool_calls ?? []) {
      const pending = this.calls.get(call.index) ?? { id: call.id ?? `call_${call.index}`, name: '', args: '' };
      if (call.id) pending.id = call.id;
      pending.name += call.function?.name ?? '';
      pending.args += call.function?.arguments ?? '';
      this.calls.set(call.index, pending);
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return parts.length ? this.framing.frame(this.response(parts)) : '';
  }

  /** Function calls go out whole, with the finish reason and usage, in the last response. */
  end(): string {
    const parts = [...this.calls.values()].map((call) => functionCallPart({ id: call.id, function: { name: call.name, arguments: call.args } }));
    const last = this.response(parts, { finishReason: FINISH_REASON[this.finish ?? 'stop'] }, { usageMetadata: usageMetadata(this.chatUsage) });
    return this.framing.frame(last) + this.framing.close();
  }

  private response(parts: Json[], candidate: Json = {}, extra: Json = {}): Json {
    return { candidates: [{ content: { role: 'model', parts }, ...candidate, index: 0 }], ...extra, modelVersion: this.model, ...(this.id ? { responseId: this.id } : {}) };
  }
}

/** A natively relayed Gemini SSE stream: usage read on the side, re-framed as an array when asked. */
export class GeminiNativeScanner implements NativeStreamScanner {
  usage: TokenUsage | null = null;
  private readonly parser = new SseParser();

  constructor(private readonly framing: Framing) {}

  push(chunk: Buffer): Buffer | string {
    const out = this.parser
      .push(chunk)
      .map((event) => this.observe(event.data))
      .join('');
    return this.framing.sse ? chunk : out;
  }

  end(): string {
    const out = this.parser
      .end()
      .map((event) => this.observe(event.data))
      .join('');
    return this.framing.sse ? '' : out + this.framing.close();
  }

  private observe(data: string): string {
    try {
      const response = JSON.parse(data) as Json;
      if (response.usageMetadata) this.usage = usageFromGemini(response.usageMetadata);
      return this.framing.sse ? '' : this.framing.frame(response);
    } catch {
      // not JSON: nothing to count or re-frame
      return '';
    }
  }
}
