// Decodes an OpenAI-compatible upstream's chat stream into chat pivot chunks (the pivot is this
// very format, so it is parse and check).
import type { ChatChunk } from '../../core/chat.js';
import { UpstreamStreamError } from '../../core/deployment.js';
import { SseParser } from '../../core/sse.js';
import type { ChatStreamDecoder } from '../types.js';

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
