// Browser mode's event stream (GET /ui/events): the app's events (shared/events.ts) as
// server-sent events, one stream per signed-in page. Each starts with a `retry:` hint and a
// fresh status, sends a heartbeat every interval (checking the session: once it has ended, a
// `session` event says so and the stream closes), and never buffers without limit for a slow
// reader — while the socket is full, status, usage and heartbeats are coalesced (latest wins),
// `changed` events are kept once per topic, and past MAX_QUEUED_LOGS log events the queued ones
// are dropped for one `changed: logs` (the view reloads the log).
import type { ServerResponse } from 'node:http';
import type { EventMessage } from '../../../shared/events.js';
import type { AppEvents } from '../../services/index.js';

/** Log events held for one slow reader before they are dropped for a reload. */
export const MAX_QUEUED_LOGS = 100;
/** How long a browser waits before reconnecting (the SSE `retry:` field). */
const RETRY_MS = 2_000;
export const DEFAULT_HEARTBEAT_MS = 15_000;
const SESSION_ENDED = 'Your admin session has ended; sign in again.';

function frame(message: EventMessage): string {
  return `event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

/** One connected page: writes while the socket takes them, a small coalescing queue while it does not. */
class EventStream {
  private queue: EventMessage[] = [];
  private blocked = false;
  /** Logs overflowed while blocked: further ones are dropped until the socket drains. */
  private droppingLogs = false;
  private readonly stop: Array<() => void> = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly onEnd: () => void,
  ) {
    res.on('drain', () => this.drain());
    res.on('close', () => this.end());
  }

  /** Events held in memory for this reader (the socket's own buffer aside). */
  get queued(): number {
    return this.queue.length;
  }

  /** Bytes the socket has not taken yet. */
  get buffered(): number {
    return this.res.writableLength;
  }

  onClose(stop: () => void): void {
    this.stop.push(stop);
  }

  start(): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    this.write(`retry: ${RETRY_MS}\n\n`);
  }

  send(message: EventMessage): void {
    if (this.res.destroyed || this.res.writableEnded) return;
    if (this.blocked) this.hold(message);
    else this.write(frame(message));
  }

  /** Says the session ended, then closes. */
  endSession(): void {
    if (this.res.writableEnded) return;
    // Queued events are moot now; this one goes out even past a full socket.
    this.queue = [];
    this.res.end(frame({ event: 'session', data: { code: 'authentication', message: SESSION_ENDED } }));
  }

  close(): void {
    this.res.end();
  }

  private write(text: string): void {
    if (!this.res.write(text)) this.blocked = true;
  }

  private hold(message: EventMessage): void {
    const { queue } = this;
    switch (message.event) {
      case 'status':
      case 'usage':
      case 'heartbeat': {
        const at = queue.findIndex((queued) => queued.event === message.event);
        if (at === -1) queue.push(message);
        else queue[at] = message;
        return;
      }
      case 'changed':
        if (!queue.some((queued) => queued.event === 'changed' && queued.data.topic === message.data.topic)) queue.push(message);
        return;
      case 'log': {
        if (this.droppingLogs) return;
        if (queue.filter((queued) => queued.event === 'log').length < MAX_QUEUED_LOGS) {
          queue.push(message);
          return;
        }
        this.droppingLogs = true;
        this.queue = queue.filter((queued) => queued.event !== 'log');
        this.hold({ event: 'changed', data: { topic: 'logs' } });
        return;
      }
      case 'session':
        queue.push(message);
    }
  }

  private drain(): void {
    this.blocked = false;
    this.droppingLogs = false;
    while (!this.blocked && this.queue.length > 0) this.write(frame(this.queue.shift()!));
  }

  private end(): void {
    this.queue = [];
    this.stop.splice(0).forEach((stop) => stop());
    this.onEnd();
  }
}

export interface EventStreamOptions {
  events: AppEvents;
  heartbeatMs: number;
  clock: () => number;
}

/** Every open event stream, so that shutdown can end them (they would hold the server open). */
export class EventStreams {
  private readonly streams = new Set<EventStream>();

  constructor(private readonly options: EventStreamOptions) {}

  /** Streams the app's events to `res` for as long as `signedIn()` holds; `watch` hears of a sign-out at once. */
  open(res: ServerResponse, signedIn: () => boolean, watch: (ended: () => void) => () => void): void {
    const { events, heartbeatMs, clock } = this.options;
    const stream: EventStream = new EventStream(res, () => this.streams.delete(stream));
    this.streams.add(stream);
    stream.start();
    stream.onClose(events.subscribe((message) => stream.send(message)));
    stream.onClose(watch(() => stream.endSession()));
    const heartbeat = setInterval(() => {
      if (!signedIn()) stream.endSession();
      else stream.send({ event: 'heartbeat', data: { time: clock(), intervalMs: heartbeatMs } });
    }, heartbeatMs);
    heartbeat.unref();
    stream.onClose(() => clearInterval(heartbeat));
  }

  /** What each open stream holds in memory right now. */
  stats(): Array<{ queued: number; buffered: number }> {
    return [...this.streams].map((stream) => ({ queued: stream.queued, buffered: stream.buffered }));
  }

  closeAll(): void {
    for (const stream of this.streams) stream.close();
  }
}
