// Binds the shared API contract to the core services over Electron IPC: one channel per
// method, every call checked for a trusted sender frame, errors returned as data. The app's
// events (shared/events.ts) go the other way, to each window that subscribed from the app's page.
import { API_METHODS, channelFor, type ApiHandlers, type ApiMethod } from '../shared/api.js';
import type { Result } from '../shared/errors.js';
import { eventChannel, SUBSCRIBE_CHANNEL, type EventMessage } from '../shared/events.js';
import { toGatewayError } from './core/errors.js';

/** The frame that sent a call: Electron's WebFrameMain, whose `parent` is null for a top-level frame. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: object | null;
}

/** The part of ipcMain this needs; tests pass an in-memory stand-in. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { readonly senderFrame: SenderFrame | null }, request: unknown) => Promise<Result<unknown>>): void;
  removeHandler(channel: string): void;
}

const REFUSED: Result<unknown> = { ok: false, error: { code: 'permission', message: 'This window may not call Loopgate.' } };

/** Only the app's own page, in the window's main frame, may call: an embedded frame never can. */
function isTrustedFrame(frame: SenderFrame | null, isTrustedUrl: (url: string) => boolean): boolean {
  return frame !== null && frame.parent === null && isTrustedUrl(frame.url);
}

export function bindApi(ipc: IpcMainLike, api: ApiHandlers, isTrustedUrl: (url: string) => boolean): () => void {
  for (const method of API_METHODS) {
    ipc.handle(channelFor(method), async (event, request) => {
      if (!isTrustedFrame(event.senderFrame, isTrustedUrl)) return REFUSED;
      try {
        const handler = api[method] as (request: unknown) => unknown;
        return { ok: true, value: await handler.call(api, request ?? {}) };
      } catch (error) {
        return { ok: false, error: toGatewayError(error).toData() };
      }
    });
  }
  return () => API_METHODS.forEach((method: ApiMethod) => ipc.removeHandler(channelFor(method)));
}

/** The renderer a message came from: the part of Electron's WebContents events need. */
export interface EventSender {
  send(channel: string, data: unknown): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

type SubscribeListener = (event: { readonly senderFrame: SenderFrame | null; readonly sender: EventSender }) => void;

/** The part of ipcMain events need; tests pass an in-memory stand-in. */
export interface IpcEventsLike {
  on(channel: string, listener: SubscribeListener): unknown;
  removeListener(channel: string, listener: SubscribeListener): unknown;
}

/** Where events come from (the services' AppEvents): a fresh status first, then each event. */
export interface EventSourceLike {
  subscribe(listener: (message: EventMessage) => void): () => void;
}

/**
 * Forwards the app's events to each window whose page subscribed (the preload does, on its first
 * `on`). A page that loads again subscribes again: its old subscription is replaced, and it hears
 * a fresh status first. IPC messages are queued by Chromium in this process, not on a socket, so
 * nothing here can back up the way a slow browser can.
 */
export function bindEvents(ipc: IpcEventsLike, events: EventSourceLike, isTrustedUrl: (url: string) => boolean): () => void {
  const subscriptions = new Map<EventSender, () => void>();
  const stop = (sender: EventSender): void => {
    subscriptions.get(sender)?.();
    subscriptions.delete(sender);
  };
  const listener: SubscribeListener = ({ senderFrame, sender }) => {
    if (!isTrustedFrame(senderFrame, isTrustedUrl)) return;
    const known = subscriptions.has(sender);
    stop(sender);
    subscriptions.set(
      sender,
      events.subscribe((message) => {
        if (sender.isDestroyed()) stop(sender);
        else sender.send(eventChannel(message.event), message.data);
      }),
    );
    if (!known) sender.once('destroyed', () => stop(sender));
  };
  ipc.on(SUBSCRIBE_CHANNEL, listener);
  return () => {
    ipc.removeListener(SUBSCRIBE_CHANNEL, listener);
    [...subscriptions.keys()].forEach(stop);
  };
}
