// Exposes exactly the shared API on window.loopgate, nothing else: one generic invoke over
// the known channels. Bundled to CommonJS (preload.cjs) because sandboxed preloads cannot be ESM.
import { contextBridge, ipcRenderer } from 'electron';
import { channelFor, isApiMethod, type Invoke, type Result } from '../shared/api.js';

function invoke(method: string, request: unknown): Promise<Result<unknown>> {
  if (!isApiMethod(method)) return Promise.resolve({ ok: false, error: { code: 'not_found', message: `There is no API method "${method}".` } });
  return ipcRenderer.invoke(channelFor(method), request) as Promise<Result<unknown>>;
}

contextBridge.exposeInMainWorld('loopgate', { invoke: invoke as Invoke });
