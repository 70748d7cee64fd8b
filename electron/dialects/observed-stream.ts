// A natively relayed SSE stream, watched on the side: bytes pass untouched while each
// complete event is handed to `observe` (for usage, or the finished response).
import { SseParser, type SseEvent } from '../core/sse.js';

export abstract class ObservedStream {
  protected readonly sse = new SseParser();

  push(chunk: Buffer): Buffer | string {
    for (const event of this.sse.push(chunk)) this.observe(event);
    return chunk;
  }

  end(): string {
    for (const event of this.sse.end()) this.observe(event);
    return '';
  }

  protected abstract observe(event: SseEvent): void;
}
