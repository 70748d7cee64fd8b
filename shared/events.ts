// The one map of events the app core pushes to the renderer: Electron carries them as IPC
// events (window.loopgate.on), browser mode as a server-sent event stream (GET /ui/events),
// each event's name as the SSE `event:` field and its data as JSON. Views reload on them
// instead of polling.
import type { AlertEntry } from './alerts.js';
import type { Invoke, LogEntryView, StatusView, UpdateView } from './api.js';
import type { ErrorCode } from './errors.js';

/** What a `changed` event names; the view showing it reloads. `logs`: events were dropped, reload the log. */
export type ChangedTopic = 'keys' | 'providers' | 'models' | 'routing' | 'logs' | 'alerts' | 'mcp';

export interface LoopgateEvents {
  /** The status line: sent first on every (re)connection, then on pause/resume and after changes (at most one a second). */
  status: StatusView;
  /** One finished request, as `logs.list` shows it, as soon as it is counted. */
  log: LogEntryView;
  /** Today's totals moved; the usage charts reload (`usage.series`). At most one a second. */
  usage: { today: StatusView['today'] };
  /** Something a view lists was changed (by the app, the management API or a config import); `models` and `routing` once the router serves it. */
  changed: { topic: ChangedTopic };
  /** An alert fired (once per crossing); the bell shows it. */
  alert: AlertEntry;
  /** Desktop app only: the self-update moved (checking, downloading, ready, failed). */
  update: UpdateView;
  /** Browser mode only: a sign of life every `intervalMs`; silence for twice that means the gateway is gone. */
  heartbeat: { time: number; intervalMs: number };
  /** Browser mode only: the session ended (signed out, expired); the stream closes right after. */
  session: { code: Extract<ErrorCode, 'authentication'>; message: string };
}

export type EventName = keyof LoopgateEvents;

/** One event with its data, as the core hands it to a transport. */
export type EventMessage = { [E in EventName]: { event: E; data: LoopgateEvents[E] } }[EventName];

// The compiler checks this table against the map, as API_METHODS is checked against the API.
const EVENTS = {
  status: true,
  log: true,
  usage: true,
  changed: true,
  alert: true,
  update: true,
  heartbeat: true,
  session: true,
} as const satisfies Record<EventName, true>;

export function isEventName(value: string): value is EventName {
  return Object.hasOwn(EVENTS, value);
}

/** The IPC channel an event travels on in Electron. */
export function eventChannel(event: EventName): string {
  return `loopgate:event:${event}`;
}

/** The IPC message a window sends to start receiving events (answered with a fresh status). */
export const SUBSCRIBE_CHANNEL = 'loopgate:events:subscribe';

/** Subscribes to one event; returns what unsubscribes. What the preload exposes next to `invoke`. */
export type On = <E extends EventName>(event: E, handler: (data: LoopgateEvents[E]) => void) => () => void;

/** What Electron's preload puts on `window.loopgate`, and nothing more. */
export interface LoopgateBridge {
  invoke: Invoke;
  on: On;
}
