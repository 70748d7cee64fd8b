// The composition root without HTTP: the app's services are built and bound to IPC with no
// listener at all, as the desktop shell binds them (app/index.ts; the gateway is only an adapter).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelFor, type Result } from '../../shared/api.js';
import { createApp, type App } from '../../electron/app/index.js';
import { parseConfigText } from '../../electron/config/index.js';
import { MemoryLogger } from '../../electron/core/logger.js';
import { bindApi, type IpcMainLike } from '../../electron/ipc.js';
import { openConfiguredStore, type Store } from '../../electron/store/index.js';
import { tempDir } from '../helpers/cli.js';

type Listener = Parameters<IpcMainLike['handle']>[1];

let store: Store;
let app: App;

beforeAll(async () => {
  const logger = new MemoryLogger();
  store = await openConfiguredStore({ dataDir: tempDir('loopgate-app-'), databaseUrl: null, logger, env: {} });
  app = await createApp({ config: parseConfigText('model_list: []\n', { env: {} }), masterKey: 'sk-app-master', logger, store, env: {} });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('the app without an HTTP listener', () => {
  it('answers an API call over the IPC binding, and shows no address until a gateway listens', async () => {
    const handlers = new Map<string, Listener>();
    const ipc: IpcMainLike = { handle: (channel, listener) => void handlers.set(channel, listener), removeHandler: (channel) => void handlers.delete(channel) };
    const unbind = bindApi(ipc, app.api, (url) => url === 'app://page/');
    const created = await handlers.get(channelFor('keys.create'))!(
      { senderFrame: { url: 'app://page/', parent: null } },
      {
        keyAlias: 'no-http',
        models: [],
        rpmLimit: null,
        tpmLimit: null,
        maxParallelRequests: null,
        maxBudget: null,
        budgetDuration: null,
        duration: null,
      },
    );
    expect(created).toMatchObject({ ok: true, value: { key: { keyAlias: 'no-http' } } });
    const status = (await handlers.get(channelFor('status.get'))!({ senderFrame: { url: 'app://page/', parent: null } }, {})) as Result<{ baseUrl: string; paused: boolean }>;
    expect(status).toMatchObject({ ok: true, value: { baseUrl: '', paused: false } });
    app.setPaused(true);
    expect(await handlers.get(channelFor('status.get'))!({ senderFrame: { url: 'app://page/', parent: null } }, {})).toMatchObject({ ok: true, value: { paused: true } });
    unbind();
  });
});
