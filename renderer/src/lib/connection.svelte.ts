// The app's link to the core, in one place: is the gateway answering, is the session alive, and
// the events it pushes (shared/events.ts). Electron delivers them over IPC; browser mode reads
// GET /ui/events. A lost stream is retried every couple of seconds; views keep what they last
// showed and reload when the link comes back.
import { isEventName, type EventName, type LoopgateBridge, type LoopgateEvents } from '../../../shared/events.js';
import { sseEvents } from './sse.js';

type Handler<E extends EventName> = (data: LoopgateEvents[E]) => void;
/** The core's events, and `reconnected`: the link is back after a loss, so everything reloads. */
type LocalEvents = LoopgateEvents & { reconnected: Record<string, never> };
type Name = keyof LocalEvents;

const RETRY_MS = 2_000;
/** Silence this long after the last heartbeat's interval means the gateway is gone. */
const SILENCE_FACTOR = 2;

/** What Electron delivers over IPC (heartbeats and session ends are browser mode's). */
const IPC_EVENTS = ['status', 'log', 'usage', 'changed', 'alert', 'update'] as const satisfies readonly EventName[];

declare global {
  interface Window {
    loopgate?: LoopgateBridge;
  }
}

class Connection {
  /** False while the gateway does not answer. */
  reachable = $state(true);
  /** null until known; false once the session was refused (the sign-in page shows). */
  signedIn = $state<boolean | null>(null);
  /** Why the sign-in page shows over a session that was open: signed out here, or ended (expired, Loopgate restarted). */
  ended = $state<'signed-out' | 'ended' | null>(null);
  /** True in browser mode, where a session can end and Sign out makes sense. */
  readonly browserMode = typeof window !== 'undefined' && !window.loopgate;

  private readonly handlers = new Map<Name, Set<(data: never) => void>>();
  private stream: AbortController | null = null;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private lostOnce = false;

  /** Listens to one event; returns what stops listening. */
  on<E extends Name>(event: E, handler: (data: LocalEvents[E]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as (data: never) => void);
    return () => void set.delete(handler as (data: never) => void);
  }

  private emit<E extends Name>(event: E, data: LocalEvents[E]): void {
    for (const handler of this.handlers.get(event) ?? []) (handler as Handler<EventName>)(data as never);
  }

  /** Finds out whether the session is alive, retrying while the gateway does not answer. */
  async start(): Promise<void> {
    if (!this.browserMode) {
      this.signedIn = true;
      this.listenOverIpc();
      return;
    }
    try {
      const response = await fetch('/ui/session');
      const body = (await response.json()) as { value?: { signedIn?: boolean } };
      this.reachable = true;
      this.signedIn = body.value?.signedIn === true;
      if (this.signedIn) {
        this.ended = null;
        this.openStream();
      }
    } catch {
      this.lost();
      setTimeout(() => void this.start(), RETRY_MS);
    }
  }

  /** A call could not reach the gateway. */
  lost(): void {
    if (this.reachable) this.lostOnce = true;
    this.reachable = false;
  }

  /** A call or the stream was refused for an ended session. */
  sessionEnded(why: 'signed-out' | 'ended' = 'ended'): void {
    this.stream?.abort();
    this.stream = null;
    if (this.signedIn) this.ended = why;
    this.signedIn = false;
  }

  async signOut(): Promise<void> {
    // The stream would hear the logout as a session that ended; this page knows better.
    this.stream?.abort();
    this.stream = null;
    await fetch('/ui/logout', { method: 'POST' }).catch(() => undefined);
    this.sessionEnded('signed-out');
  }

  private back(): void {
    const wasLost = !this.reachable || this.lostOnce;
    this.reachable = true;
    this.lostOnce = false;
    if (wasLost) this.emit('reconnected', {});
  }

  private listenOverIpc(): void {
    const on = window.loopgate?.on;
    if (!on) return;
    for (const name of IPC_EVENTS) on(name, (data) => this.emit(name, data as never));
  }

  private openStream(): void {
    this.stream?.abort();
    const controller = new AbortController();
    this.stream = controller;
    void this.read(controller).then((again) => {
      if (again && this.stream === controller) setTimeout(() => this.stream === controller && this.openStream(), RETRY_MS);
    });
  }

  /** Reads one stream to its end; true when it should be opened again. */
  private async read(controller: AbortController): Promise<boolean> {
    try {
      const response = await fetch('/ui/events', { signal: controller.signal });
      if (response.status === 401) {
        this.reachable = true;
        this.sessionEnded();
        return false;
      }
      if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
      this.arm(controller, 2 * 15_000);
      for await (const { event, data } of sseEvents(response.body)) {
        if (!isEventName(event)) continue;
        const parsed = JSON.parse(data) as LoopgateEvents[EventName];
        if (event === 'heartbeat') this.arm(controller, SILENCE_FACTOR * (parsed as LoopgateEvents['heartbeat']).intervalMs);
        else this.arm(controller, this.silence);
        if (event === 'status') this.back();
        if (event === 'session') {
          this.sessionEnded();
          return false;
        }
        this.emit(event, parsed as never);
      }
      // The stream ended: the gateway closed it (stopping, restarting). Try again at once.
      this.lost();
      return !controller.signal.aborted;
    } catch {
      if (controller.signal.aborted) return false;
      this.lost();
      return true;
    } finally {
      clearTimeout(this.watchdog);
    }
  }

  private silence = 30_000;

  /** Aborts the stream when nothing arrives for `ms` (a gateway that hangs without closing). */
  private arm(controller: AbortController, ms: number): void {
    this.silence = ms;
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      this.lost();
      controller.abort();
      if (this.stream === controller) this.openStream();
    }, ms);
  }
}

export const connection = new Connection();
