// Reads a server-sent event stream from `fetch` with eventsource-parser, the parser the
// gateway reads every stream with.
import { createParser } from 'eventsource-parser';

export interface SseEvent {
  /** The `event:` field; '' for an unnamed event. */
  event: string;
  data: string;
}

/**
 * Each event as soon as it is complete. An event the server left without its blank line at the
 * end still counts, as it does in the gateway.
 */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const ready: SseEvent[] = [];
  const parser = createParser({ onEvent: (event) => ready.push({ event: event.event ?? '', data: event.data }) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      parser.feed(done ? `${decoder.decode()}\n\n` : decoder.decode(value, { stream: true }));
      yield* ready.splice(0);
      if (done) return;
    }
  } finally {
    // A reader that stops early (an error event) lets go of the response.
    await reader.cancel().catch(() => undefined);
  }
}

/** Each event's data only (the Playground's chat stream). */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  for await (const event of sseEvents(body)) yield event.data;
}
