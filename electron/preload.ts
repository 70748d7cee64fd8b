// Exposes exactly the shared API on window.loopgate, nothing else: one generic invoke over
// the known channels, and `on` for the app's events (shared/events.ts). Bundled to CommonJS
// (preload.cjs) because sandboxed preloads cannot be ESM.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channelFor, isApiMethod, type Invoke, type Result } from '../shared/api.js';
import { eventChannel, isEventName, SUBSCRIBE_CHANNEL, type LoopgateBridge, type On } from '../shared/events.js';

function invoke(method: string, request: unknown): Promise<Result<unknown>> {
  if (!isApiMethod(method)) return Promise.resolve({ ok: false, error: { code: 'not_found', message: `There is no API method "${method}".` } });
  return ipcRenderer.invoke(channelFor(method), request) as Promise<Result<unknown>>;
}

let subscribed = false;

/** Listens to one event; the page's first listener asks the main process to start sending (a fresh status first). */
function on(event: string, handler: (data: unknown) => void): () => void {
  if (!isEventName(event)) return () => undefined;
  const channel = eventChannel(event);
  // Only the data crosses: never the IpcRendererEvent, which carries ipcRenderer itself.
  const listener = (_event: IpcRendererEvent, data: unknown): void => handler(data);
  ipcRenderer.on(channel, listener);
  if (!subscribed) {
    subscribed = true;
    ipcRenderer.send(SUBSCRIBE_CHANNEL);
  }
  return () => void ipcRenderer.removeListener(channel, listener);
}

const bridge: LoopgateBridge = { invoke: invoke as Invoke, on: on as On };
contextBridge.exposeInMainWorld('loopgate', bridge);
