// One error mapper: the same store failure answers with the same code over HTTP (the LiteLLM
// key API), over IPC (the binding the desktop window calls) and over the /ui API.
import { afterEach, describe, expect, it } from 'vitest';
import { channelFor, type Result } from '../../shared/api.js';
import { bindApi, type IpcMainLike } from '../../electron/ipc.js';
import { StoreUnavailableError, UniqueViolationError } from '../../electron/store/errors.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';

const NEW_KEY = { keyAlias: 'mapped', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, maxBudget: null, budgetDuration: null, duration: null };

let gw: TestGateway | null = null;

afterEach(async () => {
  await gw?.close();
  gw = null;
});

/** keys.create through the IPC binding, as the desktop window calls it (structured clone both ways). */
async function overIpc(gateway: TestGateway): Promise<Result<unknown>> {
  let listener: Parameters<IpcMainLike['handle']>[1] | null = null;
  const ipc: IpcMainLike = {
    handle: (channel, handler) => {
      if (channel === channelFor('keys.create')) listener = handler;
    },
    removeHandler: () => undefined,
  };
  bindApi(ipc, gateway.app.api, () => true);
  const reply = await listener!({ senderFrame: { url: `${gateway.url}/ui/`, parent: null } }, structuredClone(NEW_KEY));
  return structuredClone<Result<unknown>>(reply);
}

/** keys.create through /ui/api, with a session as the browser UI holds one. */
async function overUiApi(gateway: TestGateway): Promise<{ status: number; body: Result<unknown> }> {
  const json = { 'content-type': 'application/json', origin: gateway.url };
  const session = await fetch(`${gateway.url}/ui/session`, { method: 'POST', headers: json, body: JSON.stringify({ masterKey: TEST_MASTER_KEY }) });
  const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0]!;
  const answer = await fetch(`${gateway.url}/ui/api/keys.create`, { method: 'POST', headers: { ...json, cookie }, body: JSON.stringify(NEW_KEY) });
  return { status: answer.status, body: (await answer.json()) as Result<unknown> };
}

async function failingStore(failure: () => Error): Promise<TestGateway> {
  const gateway = await startTestGateway('model_list: []\n');
  gateway.store.keys.create = () => Promise.reject(failure());
  return gateway;
}

describe('a store failure', () => {
  it('is `unavailable` over HTTP, IPC and the /ui API alike', async () => {
    gw = await failingStore(() => new StoreUnavailableError('the journal could not be written: EIO'));
    const http = await gw.manage('POST', '/key/generate', { key_alias: 'mapped' });
    expect(http.status).toBe(503);
    expect(http.body.error).toMatchObject({ code: 'unavailable', message: 'the journal could not be written: EIO' });
    expect(await overIpc(gw)).toEqual({ ok: false, error: expect.objectContaining({ code: 'unavailable', message: 'the journal could not be written: EIO' }) });
    const ui = await overUiApi(gw);
    expect(ui.body).toEqual({ ok: false, error: expect.objectContaining({ code: 'unavailable' }) });
  });

  it('a unique value taken in a race is a `conflict` naming the field on every path', async () => {
    gw = await failingStore(() => new UniqueViolationError('virtual_keys', 'id'));
    const http = await gw.manage('POST', '/key/generate', { key_alias: 'mapped' });
    expect(http.status).toBe(409);
    // LiteLLM's API says a key's id in its own word.
    expect(http.body.error).toMatchObject({ code: 'conflict', param: 'key' });
    expect(await overIpc(gw)).toEqual({ ok: false, error: expect.objectContaining({ code: 'conflict', param: 'id' }) });
    expect((await overUiApi(gw)).body).toEqual({ ok: false, error: expect.objectContaining({ code: 'conflict', param: 'id' }) });
  });
});
