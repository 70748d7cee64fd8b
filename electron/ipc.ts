// Binds the shared API contract to the core services over Electron IPC: one channel per
// method, every call checked for a trusted sender frame, errors returned as data.
import { API_METHODS, channelFor, type ApiHandlers, type ApiMethod } from '../shared/api.js';
import type { Result } from '../shared/errors.js';
import { toErrorData } from './services/errors.js';

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
        return { ok: false, error: toErrorData(error) };
      }
    });
  }
  return () => API_METHODS.forEach((method: ApiMethod) => ipc.removeHandler(channelFor(method)));
}
