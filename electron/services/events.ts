// The app's event source (shared/events.ts): what changed, pushed to whoever listens — the IPC
// binding in Electron, the /ui/events stream in browser mode. Each listener gets a fresh status
// first; status and usage are coalesced (at most one of each per interval); finished requests
// are sent as log events, labelled in one store read per tick. With nobody listening, nothing
// is computed.
import type { AlertEntry } from '../../shared/alerts.js';
import type { LogEntryView, StatusView } from '../../shared/api.js';
import type { ChangedTopic, EventMessage } from '../../shared/events.js';
import type { Logger } from '../core/logger.js';
import type { RequestLogEntry } from '../store/request-log.js';

export type EventListener = (message: EventMessage) => void;

export interface AppEventsDeps {
  status(): Promise<StatusView>;
  /** The app's view of log rows (labels looked up once for the batch). */
  logViews(entries: RequestLogEntry[]): Promise<LogEntryView[]>;
  logger: Logger;
  /** The least time between two status (or usage) events. */
  coalesceMs?: number;
}

const DEFAULT_COALESCE_MS = 1_000;
/** Events held for a listener while its first status is read; past this, the oldest go. */
const MAX_HELD = 256;

interface Subscriber {
  listener: EventListener;
  /** Until the first status went out, events wait here, so the status comes first. */
  held: EventMessage[] | null;
}

export class AppEvents {
  private readonly subscribers = new Set<Subscriber>();
  private readonly coalesceMs: number;
  private pendingLogs: RequestLogEntry[] = [];
  private statusTimer: NodeJS.Timeout | null = null;
  private usageTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: AppEventsDeps) {
    this.coalesceMs = deps.coalesceMs ?? DEFAULT_COALESCE_MS;
  }

  get listeners(): number {
    return this.subscribers.size;
  }

  /** Starts delivering to `listener`, a fresh status first; returns what stops it. */
  subscribe(listener: EventListener): () => void {
    const subscriber: Subscriber = { listener, held: [] };
    this.subscribers.add(subscriber);
    void this.deps
      .status()
      .then((status) => this.deliver(subscriber, { event: 'status', data: status }))
      .catch((error: unknown) => this.deps.logger.log('warn', `status for a new event listener failed: ${String(error)}`))
      .finally(() => {
        const held = subscriber.held ?? [];
        subscriber.held = null;
        if (this.subscribers.has(subscriber)) for (const message of held) this.deliver(subscriber, message);
      });
    return () => void this.subscribers.delete(subscriber);
  }

  /** Pause and resume: said at once. */
  statusChanged(): void {
    if (this.subscribers.size === 0) return;
    void this.sendStatus();
  }

  /** Something a view lists changed; the status's counts may have too. */
  changed(topic: ChangedTopic): void {
    if (this.subscribers.size === 0) return;
    this.emit({ event: 'changed', data: { topic } });
    this.statusTimer ??= this.after(
      () => (this.statusTimer = null),
      () => this.sendStatus(),
    );
  }

  /** An alert fired: the bell shows it at once. */
  alert(entry: AlertEntry): void {
    if (this.subscribers.size === 0) return;
    this.emit({ event: 'alert', data: entry });
  }

  /** A request finished and was counted (gateway accounting, in memory). */
  requestLogged(entry: RequestLogEntry): void {
    if (this.subscribers.size === 0) return;
    this.pendingLogs.push(entry);
    if (this.pendingLogs.length === 1) setImmediate(() => void this.sendLogs());
    this.usageTimer ??= this.after(
      () => (this.usageTimer = null),
      async () => {
        const status = await this.deps.status();
        this.emit({ event: 'usage', data: { today: status.today } });
      },
    );
  }

  close(): void {
    if (this.statusTimer) clearTimeout(this.statusTimer);
    if (this.usageTimer) clearTimeout(this.usageTimer);
    this.statusTimer = this.usageTimer = null;
    this.subscribers.clear();
  }

  private emit(message: EventMessage): void {
    for (const subscriber of this.subscribers) {
      if (subscriber.held) {
        subscriber.held.push(message);
        if (subscriber.held.length > MAX_HELD) subscriber.held.shift();
      } else {
        this.deliver(subscriber, message);
      }
    }
  }

  private deliver(subscriber: Subscriber, message: EventMessage): void {
    try {
      subscriber.listener(message);
    } catch (error) {
      this.deps.logger.log('warn', `an event listener failed: ${String(error)}`, { event: message.event });
    }
  }

  private async sendStatus(): Promise<void> {
    this.emit({ event: 'status', data: await this.deps.status() });
  }

  private async sendLogs(): Promise<void> {
    const entries = this.pendingLogs;
    this.pendingLogs = [];
    try {
      for (const view of await this.deps.logViews(entries)) this.emit({ event: 'log', data: view });
    } catch (error) {
      this.deps.logger.log('warn', `log events failed: ${String(error)}`);
    }
  }

  private after(reset: () => void, task: () => Promise<void>): NodeJS.Timeout {
    return setTimeout(() => {
      reset();
      if (this.subscribers.size === 0) return;
      task().catch((error: unknown) => this.deps.logger.log('warn', `an event could not be prepared: ${String(error)}`));
    }, this.coalesceMs).unref();
  }
}
