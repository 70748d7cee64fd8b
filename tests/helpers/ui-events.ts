// A browser-mode client for the admin UI: signs in, calls /ui/api, and reads /ui/events as a
// page would, event by event (eventsource-parser, the parser the renderer uses).
import { createParser } from 'eventsource-parser';
import type { ApiMethod, ApiRequest, ApiResponse, Result } from '../../shared/api.js';
import type { EventName, LoopgateEvents } from '../../shared/events.js';
import { TEST_MASTER_KEY } from './gateway.js';

interface ReceivedEvent {
  event: string;
  data: unknown;
}

export async function signIn(url: string, masterKey = TEST_MASTER_KEY): Promise<string> {
  const response = await fetch(`${url}/ui/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ masterKey }) });
  if (response.status !== 200) throw new Error(`sign-in answered ${response.status}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}

export async function callUi<M extends ApiMethod>(url: string, cookie: string, method: M, request: ApiRequest<M>): Promise<{ status: number; body: Result<ApiResponse<M>> }> {
  const response = await fetch(`${url}/ui/api/${method}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: url }, body: JSON.stringify(request) });
  return { status: response.status, body: (await response.json()) as Result<ApiResponse<M>> };
}

/** Calls the API and returns the value, failing the test on an error. */
export async function uiValue<M extends ApiMethod>(url: string, cookie: string, method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
  const { body } = await callUi(url, cookie, method, request);
  if (!body.ok) throw new Error(`${method}: ${body.error.code} ${body.error.message}`);
  return body.value;
}

export interface EventReader {
  status: number;
  /** The `retry:` hint the stream gave, ms. */
  retry: number | null;
  /** Every event so far, in order. */
  received: ReceivedEvent[];
  /** The next event named `name` (any event when omitted) not yet taken; rejects after `timeoutMs`. */
  next<E extends EventName>(name: E, timeoutMs?: number, where?: (data: LoopgateEvents[E]) => boolean): Promise<LoopgateEvents[E]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openEvents(url: string, cookie: string | null): Promise<EventReader> {
  const abort = new AbortController();
  const response = await fetch(`${url}/ui/events`, { headers: cookie ? { cookie } : {}, signal: abort.signal });
  const received: ReceivedEvent[] = [];
  let taken = 0;
  const waiters = new Set<() => void>();
  const reader: EventReader = {
    status: response.status,
    retry: null,
    received,
    async next(name, timeoutMs = 5_000, where = () => true) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (let i = taken; i < received.length; i++) {
          const event = received[i]!;
          if (event.event === name && where(event.data as never)) {
            taken = i + 1;
            return event.data as never;
          }
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${name} event within ${timeoutMs}ms; got ${received.map((e) => e.event).join(', ')}`);
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.add(wake);
        });
      }
    },
    ended: Promise.resolve(),
    close: () => abort.abort(),
  };
  if (response.status !== 200 || !response.body) return reader;
  const parser = createParser({
    onEvent: (event) => {
      received.push({ event: event.event ?? 'message', data: JSON.parse(event.data) as unknown });
      [...waiters].forEach((wake) => wake());
    },
    onRetry: (ms) => {
      reader.retry = ms;
    },
  });
  const body = response.body;
  reader.ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted by close()
    }
  })();
  return reader;
}
