// What clients send in strings has bounds, enforced before anything is logged or stored: a
// 4 MiB model name is refused up front, a refused key writes nothing long, the log filter stays
// small; malformed percent-encoding and names like "constructor" are the client's 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startTolerantUpstream, type TolerantUpstream } from '../helpers/mock-tolerant.js';

let upstream: TolerantUpstream;
let gw: TestGateway;
let limitedKey = '';
let brokeKey = '';

beforeAll(async () => {
  upstream = await startTolerantUpstream();
  gw = await startTestGateway(`model_list:
  - model_name: m
    litellm_params: { model: openai/m, api_base: ${upstream.url}/v1, api_key: sk-up }
`);
  limitedKey = (await gw.manage('POST', '/key/generate', { models: ['m'], rpm_limit: 1000, model_max_budget: { m: 5 } })).body.key;
  brokeKey = (await gw.manage('POST', '/key/generate', { rpm_limit: 1, max_budget: 0 })).body.key;
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

async function send(method: string, path: string, body: unknown, key = TEST_MASTER_KEY): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'x-goog-api-key': key, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

const chat = (model: string) => ({ model, messages: [{ role: 'user', content: 'hi' }] });
const unhandled = () => gw.logger.records.filter((record) => record.level === 'error');

describe('model names have a bound', () => {
  const huge = 'a'.repeat(4 * 1024 * 1024);

  it('a 4 MiB model name is a 400 naming the field and the cap, on every inference route', async () => {
    for (const [path, body] of [
      ['/v1/chat/completions', chat(huge)],
      ['/v1/completions', { model: huge, prompt: 'x' }],
      ['/v1/embeddings', { model: huge, input: 'x' }],
      ['/v1/responses', { model: huge, input: 'x' }],
      ['/v1/messages', { ...chat(huge), max_tokens: 5 }],
      ['/v1/messages/count_tokens', chat(huge)],
    ] as const) {
      const answer = await send('POST', path, body);
      expect(answer.status, path).toBe(400);
      expect(answer.text, path).toContain('256 characters');
      expect(answer.text.length, path).toBeLessThan(1_000);
    }
    const gemini = await send('POST', `/v1beta/models/${'g'.repeat(300)}:generateContent`, { contents: [{ parts: [{ text: 'x' }] }] });
    expect(gemini.status).toBe(400);
    expect(gemini.text).toContain('256 characters');
  });

  it('256 characters are still a name (404 when not configured); 257 are refused', async () => {
    expect((await send('POST', '/v1/chat/completions', chat('b'.repeat(256)))).status).toBe(404);
    const refused = JSON.parse((await send('POST', '/v1/chat/completions', chat('b'.repeat(257)))).text) as { error: { code: string; param: string } };
    expect(refused.error).toMatchObject({ code: 'invalid_request', param: 'model' });
  });

  it('a key over budget and rate is refused for that before its model is looked up, and nothing long is written', async () => {
    for (let i = 0; i < 3; i++) {
      const answer = JSON.parse((await send('POST', '/v1/chat/completions', chat(`unknown-${'c'.repeat(200)}-${i}`), brokeKey)).text) as { error: { code: string } };
      expect(answer.error.code).toBe('budget_exceeded');
    }
    expect((await send('POST', '/v1/chat/completions', chat(huge), brokeKey)).status).toBe(400);
    await gw.app.accounting.flush();
    const rows = await gw.store.requestLog.query({ limit: 1_000 });
    expect(rows.length).toBeGreaterThan(0);
    expect(Math.max(...rows.map((row) => (row.model ?? '').length))).toBeLessThanOrEqual(256);
    expect(Math.max(...rows.map((row) => (row.errorMessage ?? '').length))).toBeLessThanOrEqual(1_000);
    const facets = await gw.app.api['logs.facets']({});
    expect(JSON.stringify(facets).length).toBeLessThan(10_000);
    for (const record of gw.logger.records) expect(JSON.stringify(record).length).toBeLessThan(10_000);
  });
});

describe('odd names and paths are the client’s error, never a 500', () => {
  it('malformed percent-encoding in a path: 400 invalid_request, no stack in the log', async () => {
    for (const [method, path] of [
      ['GET', '/ui/%E0%A4%A'],
      ['GET', '/v1/models/%ZZ'],
      ['GET', '/v1beta/models/%ZZ'],
      ['POST', '/v1beta/models/%ZZ:generateContent'],
      ['POST', '/key/%ZZ/regenerate'],
    ] as const) {
      const answer = await send(method, path, method === 'POST' ? {} : undefined);
      expect(answer.status, path).toBe(400);
      expect(answer.text, path).toContain('percent-encoding');
    }
    expect(unhandled()).toEqual([]);
  });

  it('"constructor", "__proto__", "toString" as model names: a 404 for a key with per-model settings too', async () => {
    for (const model of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      for (const key of [TEST_MASTER_KEY, limitedKey]) {
        const expected = key === TEST_MASTER_KEY ? 404 : 403;
        expect((await send('POST', '/v1/chat/completions', chat(model), key)).status, model).toBe(expected);
        expect((await send('POST', '/v1/messages/count_tokens', chat(model), key)).status, model).toBe(expected);
        expect((await send('POST', `/v1beta/models/${model}:generateContent`, { contents: [{ parts: [{ text: 'x' }] }] }, key)).status, model).toBe(expected);
        expect((await send('GET', `/v1/models/${model}`, undefined, key)).status, model).toBe(404);
      }
    }
    expect(unhandled()).toEqual([]);
    expect((await send('POST', '/v1/chat/completions', chat('m'), limitedKey)).status).toBe(200);
  });
});

describe('strings on keys have bounds', () => {
  it('/key/generate refuses an overlong alias, user id, tag or metadata with a 400 naming the field', async () => {
    for (const body of [{ key_alias: 'k'.repeat(201) }, { user_id: 'u'.repeat(257) }, { tags: ['t'.repeat(257)] }, { models: ['m'.repeat(257)] }, { metadata: { note: 'n'.repeat(17 * 1024) } }]) {
      const answer = await gw.manage('POST', '/key/generate', body);
      expect(answer.status, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    expect((await gw.manage('POST', '/key/generate', { key_alias: 'k'.repeat(200), user_id: 'u'.repeat(256), metadata: { note: 'short' } })).status).toBe(200);
  });
});
