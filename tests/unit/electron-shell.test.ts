// The Electron side without Electron: the IPC binding over an in-memory channel pair, and the
// window's security options and navigation rules as data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, channelFor, type ApiMethod, type ApiRequest, type ApiResponse, type Result } from '../../shared/api.js';
import { bindApi, type IpcMainLike, type SenderFrame } from '../../electron/ipc.js';
import { isAppUrl, isExternalLink, mainWindowOptions } from '../../electron/window-options.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

type Listener = Parameters<IpcMainLike['handle']>[1];

/** ipcMain's half and a renderer's half, joined in memory; the sender is a top-level frame unless told. */
function channelPair(senderUrl: string, parent: SenderFrame['parent'] = null) {
  const handlers = new Map<string, Listener>();
  const main: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const invoke = async <M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<Result<ApiResponse<M>>> => {
    const handler = handlers.get(channelFor(method));
    if (!handler) throw new Error(`no handler for ${method}`);
    // Structured clone, as IPC does: nothing but data crosses.
    const reply = await handler({ senderFrame: { url: senderUrl, parent } }, structuredClone(request));
    return structuredClone(reply) as Result<ApiResponse<M>>;
  };
  return { main, invoke, handlers };
}

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway('model_list: []\n');
});

afterAll(async () => {
  await gw?.close();
});

const trusted = (url: string): boolean => isAppUrl(url, gw.url);

describe('IPC binding', () => {
  it('answers every API method on its own channel, and unbinds cleanly', () => {
    const pair = channelPair(`${gw.url}/ui/`);
    const unbind = bindApi(pair.main, gw.app.api, trusted);
    expect([...pair.handlers.keys()].sort()).toEqual(API_METHODS.map(channelFor).sort());
    unbind();
    expect(pair.handlers.size).toBe(0);
  });

  it('carries calls and their errors as data, conflicts with the current record', async () => {
    const pair = channelPair(`${gw.url}/ui/`);
    bindApi(pair.main, gw.app.api, trusted);
    const created = await pair.invoke('keys.create', { keyAlias: 'ipc', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, maxBudget: null, budgetDuration: null, duration: null });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.value.secret).toMatch(/^sk-lg-/);
    const key = created.value.key;
    expect((await pair.invoke('keys.setActive', { id: key.id, active: false, version: key.version })).ok).toBe(true);
    const stale = await pair.invoke('keys.setActive', { id: key.id, active: true, version: key.version });
    expect(stale).toEqual({ ok: false, error: expect.objectContaining({ code: 'conflict', current: expect.objectContaining({ id: key.id, version: 2, status: 'revoked' }) }) });
    const invalid = await pair.invoke('providers.create', { name: '', family: 'openai', apiBase: null });
    expect(invalid).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_request', param: 'name' }) });
  });

  it('refuses a sender frame that is not the app', async () => {
    const pair = channelPair('https://evil.example/ui/');
    bindApi(pair.main, gw.app.api, trusted);
    expect(await pair.invoke('status.get', {})).toEqual({ ok: false, error: { code: 'permission', message: 'This window may not call Loopgate.' } });
  });

  it('refuses a frame embedded in the app page, even one showing the app itself', async () => {
    const pair = channelPair(`${gw.url}/ui/`, { url: `${gw.url}/ui/` });
    bindApi(pair.main, gw.app.api, trusted);
    expect(await pair.invoke('status.get', {})).toEqual({ ok: false, error: { code: 'permission', message: 'This window may not call Loopgate.' } });
  });
});

describe('main window', () => {
  it('isolates the renderer: context isolation, sandbox, no Node, web security on', () => {
    const options = mainWindowOptions({ preload: '/app/preload.cjs', dark: false, devTools: false });
    expect(options.webPreferences).toEqual({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      devTools: false,
    });
    expect(options.show).toBe(false);
    expect(mainWindowOptions({ preload: '/p', dark: true, devTools: false }).backgroundColor).not.toBe(options.backgroundColor);
  });

  it('navigates only within the gateway admin UI and hands only web links to the browser', () => {
    const origin = 'http://127.0.0.1:7420';
    expect(isAppUrl('http://127.0.0.1:7420/ui/', origin)).toBe(true);
    expect(isAppUrl('http://127.0.0.1:7420/v1/models', origin)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:9999/ui/', origin)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', origin)).toBe(false);
    expect(isExternalLink('https://docs.example.com')).toBe(true);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
  });
});
