// Issue 21, finding 8: what a virtual key can learn beyond itself. Asking /key/info about
// another key says nothing of whether it exists, and counts as a guess; a key limited to some
// models cannot learn the others from /v1/models/{id}, /v1beta/models/{id} or a 404's message;
// and a provider's saved key is not sent to a new base URL unless it is entered again.
import { afterEach, describe, expect, it } from 'vitest';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { useMocks } from '../helpers/file-setup.js';
import { openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';

const mocks = useMocks({ upstream: () => startMockOpenAI(), elsewhere: () => startMockOpenAI() });
const gateways: TestGateway[] = [];

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gw) => gw.close()));
});

async function gateway(): Promise<TestGateway> {
  const models = ['allowed', 'secret-model', 'hidden-too'].map((name) => openaiModel(name, 'mock-gpt', mocks.upstream.apiBase)).join('');
  const gw = await startTestGateway(`model_list:${models}\n`);
  gateways.push(gw);
  return gw;
}

async function get(gw: TestGateway, path: string, key: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
  return { status: response.status, body: await response.text() };
}

async function post(gw: TestGateway, path: string, key: string, body: unknown): Promise<{ status: number; body: string }> {
  const response = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.text() };
}

describe('/key/info?key= from a virtual key (issue 21, finding 8)', () => {
  it('answers the same for another key and for no key at all, and counts each as a guess', async () => {
    const gw = await gateway();
    const mine = (await gw.manage('POST', '/key/generate', { key_alias: 'mine' })).body;
    const other = (await gw.manage('POST', '/key/generate', { key_alias: 'other' })).body;
    expect((await get(gw, `/key/info?key=${mine.token}`, mine.key)).status).toBe(200);
    expect((await get(gw, `/key/info?key=${mine.key}`, mine.key)).status).toBe(200);

    const probes = [other.token, other.key, 'key_0000000000000000', 'sk-lg-no-such-key-0000000000'];
    const answers = await Promise.all(probes.map((ref) => get(gw, `/key/info?key=${encodeURIComponent(ref)}`, mine.key)));
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(answer.body).toBe(answers[0]!.body);
    }
    expect(JSON.parse(answers[0]!.body).error.message).toBe('A virtual key may only read its own info.');
    // Ten probes are ten wrong keys: this address waits, as after ten wrong keys on /v1.
    for (let i = 0; i < 6; i++) await get(gw, `/key/info?key=key_guess${i}`, mine.key);
    expect((await get(gw, '/key/info', mine.key)).status).toBe(429);
  });
});

describe('a key limited to some models (issue 21, finding 8)', () => {
  it('cannot tell a model it may not use from one that does not exist', async () => {
    const gw = await gateway();
    const key = (await gw.manage('POST', '/key/generate', { models: ['allowed', 'removed-since'] })).body.key as string;
    expect((await get(gw, '/v1/models/allowed', key)).status).toBe(200);
    const same = async (path: (model: string) => string, headers: Record<string, string> = {}): Promise<void> => {
      const forbidden = await get(gw, path('secret-model'), key, headers);
      const missing = await get(gw, path('no-such-model'), key, headers);
      expect(forbidden.status).toBe(404);
      expect({ status: forbidden.status, body: forbidden.body.replaceAll('secret-model', 'X') }).toEqual({ status: missing.status, body: missing.body.replaceAll('no-such-model', 'X') });
    };
    await same((model) => `/v1/models/${model}`);
    await same((model) => `/v1/models/${model}`, { 'anthropic-version': '2023-06-01' });
    await same((model) => `/v1beta/models/${model}`);
    // The master key still sees every model.
    expect((await get(gw, '/v1/models/secret-model', TEST_MASTER_KEY)).status).toBe(200);
  });

  it('is never told the other models in an error', async () => {
    const gw = await gateway();
    const key = (await gw.manage('POST', '/key/generate', { models: ['allowed', 'removed-since'] })).body.key as string;
    const messages = { model: 'removed-since', messages: [{ role: 'user', content: 'hi' }] };
    const gone = await post(gw, '/v1/chat/completions', key, messages);
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.body).error.message).toBe('The model "removed-since" is not configured on this gateway. Configured models: allowed.');
    const gemini = await post(gw, '/v1beta/models/removed-since:generateContent', key, { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    const counted = await post(gw, '/v1/messages/count_tokens', key, { model: 'removed-since', messages: [{ role: 'user', content: 'hi' }] });
    for (const answer of [gone, gemini, counted]) {
      expect(answer.body).not.toContain('secret-model');
      expect(answer.body).not.toContain('hidden-too');
    }
    // A model it may not use, configured or not: the same refusal, naming only its own models.
    for (const path of ['/v1/chat/completions', '/v1/messages/count_tokens']) {
      const forbidden = await post(gw, path, key, { ...messages, model: 'secret-model' });
      const missing = await post(gw, path, key, { ...messages, model: 'no-such-model' });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.replaceAll('secret-model', 'X')).toBe(missing.body.replaceAll('no-such-model', 'X'));
      expect(forbidden.body).not.toContain('hidden-too');
    }
    // The master key's 404 still lists what is configured.
    expect(JSON.parse((await post(gw, '/v1/chat/completions', TEST_MASTER_KEY, { ...messages, model: 'nope' })).body).error.message).toContain('secret-model');
  });
});

describe('providers.update with a new base URL (issue 21, finding 8)', () => {
  it('keeps the saved key from a new address until it is entered again', async () => {
    const gw = await gateway();
    const api = gw.app.api;
    const created = await api['providers.create']({ name: 'Cloud', family: 'openai', apiBase: mocks.upstream.apiBase, apiKey: 'sk-saved-provider-key-1' });
    const moved = { id: created.id, version: created.version, name: 'Cloud', family: 'openai', apiBase: mocks.elsewhere.apiBase };
    await expect(api['providers.update'](moved)).rejects.toMatchObject({ code: 'invalid_request', param: 'apiKey', message: expect.stringMatching(/^apiKey: .*enter the API key again/) });
    // Over HTTP (the admin UI's API) the same answer.
    const signIn = await fetch(`${gw.url}/ui/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: gw.url }, body: JSON.stringify({ masterKey: TEST_MASTER_KEY }) });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const overHttp = await fetch(`${gw.url}/ui/api/providers.update`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: gw.url }, body: JSON.stringify(moved) });
    expect(await overHttp.json()).toMatchObject({ ok: false, error: { code: 'invalid_request', param: 'apiKey' } });
    // Nothing changed, and a test still goes to the old address.
    expect((await api['providers.list']({})).find((p) => p.id === created.id)?.apiBase).toBe(mocks.upstream.apiBase);
    expect((await api['providers.test']({ id: created.id })).ok).toBe(true);
    const seen = (mock: MockUpstream): string[] => mock.requests.map((request) => String(request.headers.authorization ?? ''));
    expect(seen(mocks.elsewhere).some((auth) => auth.includes('sk-saved-provider-key-1'))).toBe(false);

    // Another path on the same server keeps the key; a new server with the key entered takes it.
    const samePlace = await api['providers.update']({ ...moved, version: created.version, apiBase: `${mocks.upstream.url}/v1/` });
    const entered = await api['providers.update']({ ...moved, version: samePlace.version, apiKey: 'sk-entered-again-2' });
    expect(entered.apiBase).toBe(mocks.elsewhere.apiBase);
    expect((await api['providers.test']({ id: created.id })).ok).toBe(true);
    expect(seen(mocks.elsewhere)).toContain('Bearer sk-entered-again-2');
    expect(seen(mocks.elsewhere).some((auth) => auth.includes('sk-saved-provider-key-1'))).toBe(false);
  });
});
