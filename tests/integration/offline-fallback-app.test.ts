// Offline fallback set in the app (issue 29): a gateway started with no offline_fallback in its
// file gets one through the app's API (/ui/api, as the Routing page saves it); without a restart,
// once the cloud's server is closed, a request for the cloud group is served by the local group
// with `x-loopgate-route: offline-fallback`. Cleared again in the app, nothing is diverted.
// The cloud sits at a host name only the test's forward proxy resolves (loopback counts as local).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { startHttpProxy, type TestProxy } from '../helpers/network.js';
import { signIn, uiValue } from '../helpers/ui-events.js';

let cloud: MockUpstream;
let local: MockUpstream;
let proxy: TestProxy;
let gw: TestGateway;

async function ask(): Promise<{ status: number; route: string | null }> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-test-master-key', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.text();
  return { status: response.status, route: response.headers.get('x-loopgate-route') };
}

beforeAll(async () => {
  cloud = await startMockOpenAI();
  local = await startMockOpenAI();
  proxy = await startHttpProxy();
  const cloudBase = cloud.apiBase.replace('127.0.0.1', 'api.upstream.test');
  gw = await startTestGateway(
    `
model_list:${openaiModel('cloud', 'm', cloudBase)}${openaiModel('local', 'mock-model', local.apiBase)}
router_settings:
  num_retries: 0
  allowed_fails: 1000
`,
    { env: { HTTP_PROXY: proxy.url } },
  );
});

afterAll(async () => {
  await gw.close();
  await Promise.all([local.close(), proxy.close()]);
});

describe('offline fallback set in the app', () => {
  it('serves a cloud group from the local group once the cloud is gone, and stops when the setting is cleared', async () => {
    const cookie = await signIn(gw.url);
    const read = await uiValue(gw.url, cookie, 'routing.get', {});
    expect(read).toMatchObject({ offlineFallback: null, source: 'config file' });
    const copied = await uiValue(gw.url, cookie, 'routing.copyFromConfig', {});
    const saved = await uiValue(gw.url, cookie, 'routing.update', { ...copied, offlineFallback: 'local' });
    expect(saved).toMatchObject({ offlineFallback: 'local', source: 'app' });
    expect(await ask()).toMatchObject({ status: 200, route: 'default' });

    // The cloud goes away: the request that finds it gone fails, the next is served locally and says so.
    await cloud.close();
    expect((await ask()).status).toBe(502);
    const localBefore = local.requests.length;
    expect(await ask()).toMatchObject({ status: 200, route: 'offline-fallback' });
    expect(local.requests.slice(localBefore).map((request) => request.body?.model)).toEqual(['mock-model']);

    // Turned off in the app: a cloud group is no longer served by another model.
    await uiValue(gw.url, cookie, 'routing.update', { ...saved, offlineFallback: null });
    expect((await ask()).status).toBe(502);
  });

  it('refuses a fallback that names no model group, saying which field', async () => {
    const cookie = await signIn(gw.url);
    const read = await uiValue(gw.url, cookie, 'routing.get', {});
    await expect(uiValue(gw.url, cookie, 'routing.update', { ...read, offlineFallback: 'nope' })).rejects.toThrow(/offlineFallback: expected the name of a model group, got "nope"/);
  });
});
