// Binds the shared API contract to the core services over Electron IPC: one channel per
// method, every call checked for a trusted sender frame, errors returned as data.
import type { IpcMainInvokeEvent } from 'electron';
import { API_METHODS, channelFor, type ApiHandlers, type ApiMethod } from '../shared/api.js';
import type { Result } from '../shared/errors.js';
import { toErrorData } from './services/errors.js';

/** The part of ipcMain this needs; tests pass an in-memory stand-in. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: Pick<IpcMainInvokeEvent, 'senderFrame'>, request: unknown) => Promise<Result<unknown>>): void;
  removeHandler(channel: string): void;
}

export function bindApi(ipc: IpcMainLike, api: ApiHandlers, isTrustedSender: (url: string) => boolean): () => void {
  for (const method of API_METHODS) {
    ipc.handle(channelFor(method), async (event, request) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedSender(url)) {
        return { ok: false, error: { code: 'permission', message: 'This window may not call Loopgate.' } };
      }
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
