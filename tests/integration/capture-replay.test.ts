// Capture and replay: which requests keep their bodies (failed only or all; the app's setting, the
// config file's, a key's own), what is masked in them, and a captured request sent again to
// another model group through the app's API, its row marked as a replay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_MASTER_KEY, openaiModel, withTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let upstream: MockUpstream;

beforeAll(async () => {
  upstream = await startMockOpenAI();
});
afterAll(async () => {
  await upstream.close();
});

/** Two groups on one mock: "flaky" always answers 500, "steady" answers. */
function config(extra = ''): string {
  return `model_list:${openaiModel('flaky', 'fail-500', upstream.apiBase)}${openaiModel('steady', 'mock-gpt', upstream.apiBase)}
router_settings:
  num_retries: 0
${extra}`;
}

async function ask(gw: TestGateway, model: string, content: string, apiKey = TEST_MASTER_KEY): Promise<string> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
  await response.text();
  return response.headers.get('x-request-id')!;
}

async function bodies(gw: TestGateway, id: string): Promise<{ requestBody: string | null; responseBody: string | null }> {
  const { requestBody, responseBody } = await gw.app.api['logs.get']({ id });
  return { requestBody, responseBody };
}

let keys = 0;
async function newKey(gw: TestGateway, capture?: 'off' | 'failed' | 'all'): Promise<string> {
  return (await gw.app.api['keys.create']({ keyAlias: `k-${capture ?? 'app'}-${++keys}`, ...(capture ? { capture } : {}) })).secret;
}

describe('capture', () => {
  it('keeps no body by default, failed or not', async () => {
    await withTestGateway(config(), async (gw) => {
      expect((await gw.app.api['logs.retention']({})).capture).toBe('off');
      expect(await bodies(gw, await ask(gw, 'flaky', 'lost prompt'))).toEqual({ requestBody: null, responseBody: null });
      expect(await bodies(gw, await ask(gw, 'steady', 'lost prompt'))).toEqual({ requestBody: null, responseBody: null });
    });
  });

  it('keeps only failed requests once the app says "failed", and every request with "all"; the setting is versioned', async () => {
    await withTestGateway(config(), async (gw) => {
      const retention = await gw.app.api['logs.retention']({});
      const saved = await gw.app.api['logs.setRetention']({ days: retention.days, maxMegabytes: retention.maxMegabytes, capture: 'failed', version: retention.version });
      expect(saved).toMatchObject({ capture: 'failed', source: 'app', version: retention.version + 1 });
      const failed = await bodies(gw, await ask(gw, 'flaky', 'why did this fail'));
      expect(failed.requestBody).toContain('why did this fail');
      expect(failed.responseBody).toContain('The server had an error');
      expect(await bodies(gw, await ask(gw, 'steady', 'fine'))).toEqual({ requestBody: null, responseBody: null });
      // A stale version is refused, and the setting stays.
      await expect(Promise.resolve().then(() => gw.app.api['logs.setRetention']({ days: 30, maxMegabytes: 1024, capture: 'all', version: retention.version }))).rejects.toMatchObject({ code: 'conflict' });
      await gw.app.api['logs.setRetention']({ days: 30, maxMegabytes: 1024, capture: 'all', version: saved.version });
      const served = await bodies(gw, await ask(gw, 'steady', 'keep this too'));
      expect(served.requestBody).toContain('keep this too');
      expect(served.responseBody).toContain('Hello from mock: keep this too');
      // Saving retention alone keeps the capture setting.
      const again = await gw.app.api['logs.retention']({});
      expect((await gw.app.api['logs.setRetention']({ days: 10, maxMegabytes: 1024, version: again.version })).capture).toBe('all');
    });
  });

  it('takes the config file\u2019s capture_bodies, and a key\u2019s own setting wins over it either way', async () => {
    await withTestGateway(config('general_settings:\n  capture_bodies: failed\n'), async (gw) => {
      expect((await gw.app.api['logs.retention']({})).capture).toBe('failed');
      const everything = await newKey(gw, 'all');
      const nothing = await newKey(gw, 'off');
      const following = await newKey(gw);
      expect((await bodies(gw, await ask(gw, 'steady', 'all of it', everything))).responseBody).toContain('Hello from mock: all of it');
      expect(await bodies(gw, await ask(gw, 'flaky', 'none of it', nothing))).toEqual({ requestBody: null, responseBody: null });
      expect((await bodies(gw, await ask(gw, 'flaky', 'as the app says', following))).requestBody).toContain('as the app says');
      expect((await bodies(gw, await ask(gw, 'steady', 'as the app says', following))).requestBody).toBeNull();
      // Refused by its budget before any upstream: what it asked for is kept all the same.
      const spent = (await gw.app.api['keys.create']({ keyAlias: 'spent', maxBudget: 0 })).secret;
      const refused = await bodies(gw, await ask(gw, 'steady', 'over budget', spent));
      expect(refused.requestBody).toContain('over budget');
    });
  });

  it('keeps a stream\u2019s answer as the events the client got', async () => {
    await withTestGateway(config('general_settings:\n  store_prompts_in_spend_logs: true\n'), async (gw) => {
      const stream = await gw.client().chat.completions.create({ model: 'steady', stream: true, messages: [{ role: 'user', content: 'stream me' }] });
      for await (const _chunk of stream) void _chunk;
      const [row] = await gw.app.api['logs.list']({ limit: 1 });
      const kept = await bodies(gw, row!.id);
      expect(kept.responseBody).toContain('data: ');
      expect(kept.responseBody).toContain('[DONE]');
    });
  });

  it('masks key-shaped strings, Authorization values and the client\u2019s own token in what it keeps', async () => {
    await withTestGateway(config('general_settings:\n  capture_bodies: all\n'), async (gw) => {
      const secret = await newKey(gw);
      const leaky = `my token is ${secret}, my openai key sk-proj-abcdefghijklmnopqrstuvwx, and curl -H "Authorization: Bearer tok_live_1234567890abcdef" -H "x-api-key: plainvalue123456"`;
      const kept = await bodies(gw, await ask(gw, 'steady', leaky, secret));
      const stored = `${kept.requestBody}\n${kept.responseBody}`;
      expect(kept.requestBody).toContain('my token is');
      for (const found of [secret, 'sk-proj-abcdefghijklmnopqrstuvwx', 'tok_live_1234567890abcdef', 'plainvalue123456']) expect(stored).not.toContain(found);
      // /spend/logs gives the bodies (LiteLLM's messages and response) to the master key, masked the same way; a virtual key is refused.
      const logs = (await gw.manage('GET', '/spend/logs')).body as Array<{ messages?: string; response?: string }>;
      expect(logs[0]?.messages).toContain('my token is');
      expect(JSON.stringify(logs)).not.toContain(secret);
      const asKey = await fetch(`${gw.url}/spend/logs`, { headers: { authorization: `Bearer ${secret}` } });
      expect(asKey.status).toBeGreaterThanOrEqual(401);
      expect(await asKey.text()).not.toContain('my token is');
    });
  });
});

describe('replay', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(config('general_settings:\n  capture_bodies: failed\n'));
  });
  afterAll(async () => {
    await gw.close();
  });

  it('sends a captured failed request to another group as the master key; the answer comes back and its row names the original', async () => {
    const secret = await newKey(gw);
    const original = await ask(gw, 'flaky', 'try me elsewhere', secret);
    const result = await gw.app.api['logs.replay']({ id: original, group: 'steady' });
    expect(result).toMatchObject({ group: 'steady', status: 200 });
    expect(result.body).toContain('Hello from mock: try me elsewhere');
    const replayed = await gw.app.api['logs.get']({ id: result.id });
    expect(replayed).toMatchObject({ replayOf: original, model: 'steady', keyId: null, status: 200 });
    // A replay keeps its own bodies whatever the setting, so both answers can be read later.
    expect(replayed.responseBody).toContain('Hello from mock: try me elsewhere');
    // To the same group it fails again, and says so.
    const same = await gw.app.api['logs.replay']({ id: original, group: 'flaky' });
    expect(same.status).toBe(500);
    expect(same.body).toContain('The server had an error');
  });

  it('refuses what it cannot send: an uncaptured request, an unknown group, an unknown id', async () => {
    const served = await ask(gw, 'steady', 'not captured');
    await expect(gw.app.api['logs.replay']({ id: served, group: 'steady' })).rejects.toMatchObject({ code: 'invalid_request' });
    const failed = await ask(gw, 'flaky', 'captured');
    await expect(gw.app.api['logs.replay']({ id: failed, group: 'nowhere' })).rejects.toMatchObject({ code: 'model_not_found' });
    await expect(gw.app.api['logs.replay']({ id: 'no-such-id', group: 'steady' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('ignores the replay mark from a virtual key', async () => {
    const secret = await newKey(gw);
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'x-loopgate-replay-of': 'someone-else' },
      body: JSON.stringify({ model: 'steady', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await response.text();
    const row = await gw.app.api['logs.get']({ id: response.headers.get('x-request-id')! });
    expect(row.replayOf).toBeNull();
    expect(row.requestBody).toBeNull();
  });
});
