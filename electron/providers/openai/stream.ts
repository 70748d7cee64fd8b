// Relays an OpenAI server-sent-event stream: reads usage as it goes by, and, when the gateway
// asked for a usage chunk the client did not want, removes just that event. Also decodes the
// same stream into chat pivot chunks for translation into other dialects.
import { StringDecoder } from 'node:string_decoder';
import type { ChatChunk } from '../../dialects/chat/types.js';
import { SseParser } from '../sse.js';
import { UpstreamStreamError, type ChatStreamDecoder, type TokenUsage } from '../types.js';
import { usageFromOpenAI } from './response.js';

const EVENT_BOUNDARY = /\r?\n\r?\n/;
const HAS_USAGE_OBJECT = /"usage"\s*:\s*\{/;

export class OpenAIStreamRelay {
  usage: TokenUsage | null = null;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly stripUsageChunk: boolean) {}

  /** Bytes to send the client now. Without stripping, the chunk itself passes untouched. */
  push(chunk: Buffer): Buffer | string {
    this.pending += this.decoder.write(chunk);
    const lastBoundary = lastBoundaryEnd(this.pending);
    if (lastBoundary === -1) return this.stripUsageChunk ? '' : chunk;
    const complete = this.pending.slice(0, lastBoundary);
    this.pending = this.pending.slice(lastBoundary);
    const kept = this.scan(complete);
    return this.stripUsageChunk ? kept : chunk;
  }

  /** Whatever the upstream left unterminated at the end of the stream. */
  end(): string {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (!rest.trim()) return '';
    const kept = this.scan(rest);
    // Without stripping, push() already sent these bytes as they came.
    return this.stripUsageChunk ? kept : '';
  }

  private scan(text: string): string {
    let kept = '';
    for (const event of text.split(EVENT_BOUNDARY)) {
      if (!event) continue;
      if (HAS_USAGE_OBJECT.test(event) && this.readUsage(event) && this.stripUsageChunk) continue;
      kept += `${event}\n\n`;
    }
    return kept;
  }

  /** Records usage; true when the event is the usage-only chunk (no choices). */
  private readUsage(event: string): boolean {
    const data = eventData(event);
    if (data === null) return false;
    try {
      const parsed = JSON.parse(data) as { choices?: unknown };
      const usage = usageFromOpenAI(parsed);
      if (usage) this.usage = usage;
      return usage !== null && Array.isArray(parsed.choices) && parsed.choices.length === 0;
    } catch {
      return false;
    }
  }
}

/** Chat SSE → pivot chunks (the pivot is this very format, so it is parse and check). */
export class OpenAIChatStreamDecoder implements ChatStreamDecoder {
  private readonly sse = new SseParser();

  push(bytes: Buffer): ChatChunk[] {
    return this.sse.push(bytes).flatMap((event) => decodeChunk(event.data));
  }

  end(): ChatChunk[] {
    return this.sse.end().flatMap((event) => decodeChunk(event.data));
  }
}

function decodeChunk(data: string): ChatChunk[] {
  if (data === '[DONE]' || !data) return [];
  let parsed: ChatChunk & { error?: { message?: string; type?: string } };
  try {
    parsed = JSON.parse(data) as typeof parsed;
  } catch {
    return [];
  }
  if (parsed.error) throw new UpstreamStreamError(parsed.error.message ?? 'the upstream stream failed', parsed.error.type);
  return [{ ...parsed, choices: parsed.choices ?? [] }];
}

function lastBoundaryEnd(text: string): number {
  const lf = text.lastIndexOf('\n\n');
  const crlf = text.lastIndexOf('\r\n\r\n');
  if (lf === -1 && crlf === -1) return -1;
  return lf >= crlf ? lf + 2 : crlf + 4;
}

function eventData(event: string): string | null {
  const lines = event.split(/\r?\n/).filter((line) => line.startsWith('data:'));
  if (lines.length === 0) return null;
  return lines.map((line) => line.slice(line[5] === ' ' ? 6 : 5)).join('\n');
}
