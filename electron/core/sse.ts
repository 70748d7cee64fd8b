// Server-sent events: the one reader every stream we read goes through (eventsource-parser
// behind bytes in, complete events out), and the writer for the streams we produce.
import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** `event` is undefined when the stream named none. */
export type SseEvent = EventSourceMessage;

export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  private events: SseEvent[] = [];
  private readonly parser = createParser({ onEvent: (event) => this.events.push(event) });

  /** A multi-byte character split across chunks waits in the decoder for its other bytes. */
  push(bytes: Buffer): SseEvent[] {
    return this.read(this.decoder.write(bytes));
  }

  /** Text already decoded, for a caller that keeps the raw text itself. */
  read(text: string): SseEvent[] {
    this.parser.feed(text);
    const events = this.events;
    if (events.length > 0) this.events = [];
    return events;
  }

  /**
   * The spec (and `reset({consume: true})`) drops an event still waiting for its blank line
   * when the stream ends; an upstream that stops short still meant it, so a blank line ends it.
   */
  end(): SseEvent[] {
    const events = this.read(`${this.decoder.end()}\n\n`);
    this.parser.reset();
    return events;
  }
}

export function sseEvent(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}
