// The request log explains failures: each attempt (deployment, retry or fallback, why it failed)
// and the final error, through logs.get; filters from the server (logs.facets); pages past 100
// rows; costs at full precision. And the Playground's answers and failures, as a person reads them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntryView, PlaygroundFailure, PlaygroundSummary } from '../../shared/api.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { callUi, signIn } from '../helpers/ui-events.js';

let open: MockUpstream;
let guarded: MockUpstream;
let gw: TestGateway | null = null;

const UPSTREAM_KEY = 'sk-upstream-0123456789abcdefSECRET';

beforeAll(async () => {
  open = await startMockOpenAI();
  guarded = await startMockOpenAI({ apiKey: UPSTREAM_KEY });
});

afterEach(async () => {
  await gw?.close();
  gw = null;
});

afterAll(async () => {
  await open?.close();
  await guarded?.close();
});

function model(name: string, upstream: MockUpstream, model: string, extra = ''): string {
  return `
  - model_name: ${name}
    litellm_params:
      model: openai/${model}
      api_base: ${upstream.apiBase}
      api_key: sk-wrong-key-abcdef123456${extra}`;
}

async function gateway(models: string[], settings = ''): Promise<TestGateway> {
  gw = await startTestGateway(`model_list:${models.join('')}\n${settings}`, { random: () => 0.5 });
  return gw;
}

function chat(model: string, key = TEST_MASTER_KEY, extra: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${gw!.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
  });
}

/** One log entry's details, once the request has been counted (that happens as its response closes). */
async function details(id: string) {
  const api = gw!.app.api;
  await expect.poll(async () => (await api['logs.list']({ limit: 1000 })).some((row) => row.id === id)).toBe(true);
  return api['logs.get']({ id });
}

describe('logs.get: why a request failed', () => {
  it("keeps a failed request's attempts: the first try, its retry, the fallback, each with its reason, and the final error", async () => {
    await gateway([model('broken', open, 'fail-500'), model('backup', open, 'fail-400')], 'router_settings:\n  num_retries: 1\n  retry_after: 0\n  fallbacks: [{"broken": ["backup"]}]\n');
    const response = await chat('broken');
    expect(response.status).toBe(400);
    const id = response.headers.get('x-request-id')!;
    const entry = await details(id);
    expect(entry).toMatchObject({ id, model: 'broken', status: 400, attemptCount: 3, errorCode: 'upstream', keyLabel: 'master key' });
    expect(entry.attempts).toEqual([
      expect.objectContaining({
        number: 1,
        deployment: 'broken#0',
        deploymentLabel: 'openai/fail-500',
        group: 'broken',
        via: 'first',
        fallbackKind: null,
        outcome: 'failed',
        status: 500,
        failureKind: 'retryable',
        reason: '500: The server had an error while processing your request.',
      }),
      expect.objectContaining({ number: 2, deployment: 'broken#0', group: 'broken', via: 'retry', outcome: 'failed', status: 500 }),
      expect.objectContaining({
        number: 3,
        deployment: 'backup#1',
        group: 'backup',
        via: 'fallback',
        fallbackKind: 'general',
        outcome: 'failed',
        status: 400,
        failureKind: 'client',
        reason: "400: Invalid value for 'temperature'.",
      }),
    ]);
    expect(entry.error).toEqual({ code: 'upstream', message: "400: Invalid value for 'temperature'." });
    // The list row says the same in short, and the /ui API carries the details too.
    const [row] = await gw!.app.api['logs.list']({ limit: 1 });
    expect(row).toMatchObject({ id, attemptCount: 3, errorCode: 'upstream' });
    const cookie = await signIn(gw!.url);
    expect((await callUi(gw!.url, cookie, 'logs.get', { id })).body).toMatchObject({ ok: true, value: { attempts: [{}, {}, {}] } });
  });

  it("keeps a retried success's attempts, and none for a first-try success", async () => {
    await gateway([model('m', open, 'fail-500', '\n      order: 1'), model('m', open, 'steady', '\n      order: 2')], 'router_settings:\n  num_retries: 1\n  retry_after: 0\n');
    const retried = await chat('m');
    expect(retried.status).toBe(200);
    const entry = await details(retried.headers.get('x-request-id')!);
    expect(entry).toMatchObject({ status: 200, attemptCount: 2, errorCode: null, error: null, deployment: 'm#1' });
    expect(entry.attempts.map((attempt) => [attempt.via, attempt.outcome, attempt.status])).toEqual([
      ['first', 'failed', 500],
      ['retry', 'ok', 200],
    ]);
  });

  it("says why without the secrets: the upstream's refusal of the key, never the key", async () => {
    await gateway([model('guarded', guarded, 'steady')], 'router_settings:\n  num_retries: 0\n');
    const response = await chat('guarded');
    expect(response.status).toBe(401);
    const entry = await details(response.headers.get('x-request-id')!);
    expect(entry.attempts[0]).toMatchObject({ status: 401, failureKind: 'client', reason: '401: Incorrect API key provided.' });
    expect(JSON.stringify(entry)).not.toContain('sk-wrong-key');
  });

  it("names Loopgate's own refusal when no deployment was tried; a first-try success keeps no attempts", async () => {
    await gateway([model('m', open, 'steady')]);
    const served = await chat('m');
    expect(await details(served.headers.get('x-request-id')!)).toMatchObject({ status: 200, attemptCount: 1, attempts: [], error: null });
    const response = await chat('no-such-model');
    expect(response.status).toBe(404);
    const entry = await details(response.headers.get('x-request-id')!);
    expect(entry).toMatchObject({ attemptCount: 0, attempts: [], errorCode: 'model_not_found', error: { code: 'model_not_found' } });
    expect(entry.error!.message).toContain('no-such-model');
  });

  it('answers not_found for an id that is not in the log', async () => {
    await gateway([model('m', open, 'steady')]);
    await expect(gw!.app.api['logs.get']({ id: 'missing' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('logs.list and logs.facets', () => {
  it('offers every model and key as filters, pages past 100 rows without repeats, and keeps costs exact', async () => {
    await gateway([model('cheap', open, 'steady', '\n      input_cost_per_token: 0.0000001\n      output_cost_per_token: 0.0000003'), model('rare', open, 'steady')]);
    const api = gw!.app.api;
    const { secret, key } = await api['keys.create']({ keyAlias: 'ci-bot' });
    // The oldest row: a key and a model that never appear on the first page.
    expect((await chat('rare', secret)).status).toBe(200);
    for (let i = 0; i < 105; i++) expect((await chat('cheap')).status).toBe(200);
    await expect.poll(async () => (await api['logs.list']({ limit: 1000 })).length).toBe(106);

    const first = await api['logs.list']({ limit: 100 });
    expect(first).toHaveLength(100);
    expect(new Set(first.map((row) => row.model))).toEqual(new Set(['cheap']));
    expect(await api['logs.facets']({})).toEqual({
      models: ['cheap', 'rare'],
      keys: [
        { keyId: key.id, label: 'ci-bot' },
        { keyId: '', label: 'master key' },
      ],
    });

    const last = first.at(-1)!;
    const second = await api['logs.list']({ limit: 100, before: { time: last.time, id: last.id } });
    expect(second).toHaveLength(6);
    expect(second.at(-1)).toMatchObject({ model: 'rare', keyId: key.id, keyLabel: 'ci-bot' });
    const ids = [...first, ...second].map((row) => row.id);
    expect(new Set(ids).size).toBe(106);
    // Newest first across both pages.
    const times = [...first, ...second].map((row) => row.time);
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    // Filters from the facets: the key, and the master key ('').
    expect((await api['logs.list']({ limit: 1000, keyId: key.id })).map((row) => row.model)).toEqual(['rare']);
    expect(await api['logs.list']({ limit: 1000, keyId: '' })).toHaveLength(105);

    // Full precision: tokens times the per-token prices, not rounded to cents or to 4 places.
    const row: LogEntryView = first[0]!;
    expect(row.cost).toBeGreaterThan(0);
    expect(row.cost).toBeLessThan(0.0001);
    expect(row.cost).toBeCloseTo(row.promptTokens * 0.0000001 + row.completionTokens * 0.0000003, 15);
  });
});

describe('the Playground', () => {
  async function playground(cookie: string, body: Record<string, unknown>): Promise<Response> {
    return fetch(`${gw!.url}/ui/playground`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: gw!.url }, body: JSON.stringify(body) });
  }

  it('labels a streamed answer: model and deployment in headers, usage in the last chunk, then a summary', async () => {
    await gateway([model('m', open, 'steady')]);
    const cookie = await signIn(gw!.url);
    const response = await playground(cookie, { model: 'm', stream: true, messages: [{ role: 'user', content: 'tell me' }] });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-loopgate-deployment')).toBe('m#0');
    const events = (await response.text())
      .split('\n\n')
      .filter((event) => event.startsWith('data: '))
      .map((event) => event.slice('data: '.length));
    const done = events.indexOf('[DONE]');
    expect(done).toBeGreaterThan(0);
    const usageChunk = JSON.parse(events[done - 1]!) as { usage?: { prompt_tokens: number; completion_tokens: number } };
    expect(usageChunk.usage?.completion_tokens).toBeGreaterThan(0);
    const summary = JSON.parse(events.at(-1)!) as PlaygroundSummary;
    expect(summary).toMatchObject({
      object: 'loopgate.summary',
      requested: 'm',
      model: 'm',
      deployment: 'openai/steady',
      deploymentId: 'm#0',
      attempts: 1,
      usage: { promptTokens: usageChunk.usage!.prompt_tokens, completionTokens: usageChunk.usage!.completion_tokens },
      logId: response.headers.get('x-request-id'),
    });
    expect(summary.latencyMs).toBeGreaterThan(0);
    expect(summary.timeToFirstByteMs).toBeGreaterThan(0);
    expect(summary.latencyMs).toBeGreaterThanOrEqual(summary.timeToFirstByteMs);
    // The summary is the Playground's: a tool streaming through /v1 never sees it.
    const tool = await (await chat('m', TEST_MASTER_KEY, { stream: true })).text();
    expect(tool).not.toContain('loopgate.summary');
  });

  it('explains an upstream failure: status, model, deployment by name and the next step, no internal ids', async () => {
    await gateway([model('guarded', guarded, 'steady')], 'router_settings:\n  num_retries: 0\n');
    const cookie = await signIn(gw!.url);
    const response = await playground(cookie, { model: 'guarded', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(response.status).toBe(401);
    const { error } = (await response.json()) as { error: PlaygroundFailure };
    expect(error).toEqual({
      message: "openai/steady answered 401: Incorrect API key provided. The upstream refused the API key: check the provider's key in Providers.",
      code: 'upstream',
      status: 401,
      model: 'guarded',
      deployment: 'openai/steady',
      deploymentId: 'guarded#0',
      hint: "The upstream refused the API key: check the provider's key in Providers.",
    });
    expect(error.message).not.toContain('guarded#0');
    expect(error.message).not.toContain(response.headers.get('x-request-id')!);
  });

  it('explains an unreachable upstream and an unknown model the same way', async () => {
    await gateway([model('down', open, 'steady').replace(open.apiBase, 'http://127.0.0.1:9/v1')], 'router_settings:\n  num_retries: 0\n');
    const cookie = await signIn(gw!.url);
    const down = await playground(cookie, { model: 'down', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(down.status).toBe(502);
    const failure = ((await down.json()) as { error: PlaygroundFailure }).error;
    expect(failure).toMatchObject({ code: 'upstream_unreachable', model: 'down', deployment: 'openai/steady', deploymentId: 'down#0' });
    expect(failure.message).toContain('openai/steady');
    expect(failure.message).not.toContain('down#0');
    expect(failure.hint).toContain("check the provider's API base");

    const unknown = await playground(cookie, { model: 'nope', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: PlaygroundFailure }).error).toMatchObject({ code: 'model_not_found', model: 'nope', deployment: null, hint: expect.stringContaining('Add this model') });
  });

  it('says a deployment without its key was never sent, not that the upstream refused the key', async () => {
    await gateway([model('keyless', open, 'steady').replace('sk-wrong-key-abcdef123456', 'os.environ/LOOPGATE_TEST_KEY_NEVER_SET')]);
    const cookie = await signIn(gw!.url);
    const response = await playground(cookie, { model: 'keyless', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(response.status).toBe(401);
    const { error } = (await response.json()) as { error: PlaygroundFailure };
    expect(error.code).toBe('authentication');
    expect(error.message).toContain('LOOPGATE_TEST_KEY_NEVER_SET is not set');
    expect(error.hint).toBe('Nothing was sent upstream: this deployment has no API key yet. Set it as said, then try again.');
  });
});
