// Issue 21, finding 7: an upstream that repeats the provider key it was sent ("Incorrect API key
// provided: sk-…", literal or masked as OpenAI masks it) must not hand it to a client holding a
// virtual key, nor to the log, the request log's attempts or /health.
import Anthropic from '@anthropic-ai/sdk';
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type MockServer } from '../helpers/mock-server.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';

const PROVIDER_KEY = 'sk-proj-Upstream7Secret9Key3Zq81wxyz';
/** How OpenAI masks a key it quotes: a few characters, stars, the last four. */
const MASKED = `${PROVIDER_KEY.slice(0, 8)}${'*'.repeat(24)}${PROVIDER_KEY.slice(-4)}`;

let upstream: MockServer;
let gw: TestGateway;
let virtualKey = '';

function presented(headers: IncomingHttpHeaders): string {
  return String(headers['x-api-key'] ?? String(headers.authorization ?? '').replace(/^Bearer /, ''));
}

beforeAll(async () => {
  upstream = await serve((path, _query, headers, body, _raw, res) => {
    const key = presented(headers);
    const model = String(body.model ?? '');
    const quoted = model === 'echo-masked' ? `${key.slice(0, 8)}${'*'.repeat(24)}${key.slice(-4)}` : key;
    if (model === 'echo-text') {
      res.writeHead(401, { 'content-type': 'text/plain' });
      return void res.end(`unauthorized: key=${key} (${encodeURIComponent(key)})`);
    }
    const message = `Incorrect API key provided: ${quoted}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    const error = path.includes('count_tokens') ? { type: 'error', error: { type: 'authentication_error', message } } : { error: { message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(error));
  });
  const deployment = (name: string, model: string): string => `
  - model_name: ${name}
    litellm_params:
      model: ${model}
      api_base: ${model.startsWith('anthropic/') ? upstream.url : `${upstream.url}/v1`}
      api_key: ${PROVIDER_KEY}`;
  gw = await startTestGateway(
    `model_list:${deployment('literal', 'openai/echo-literal')}${deployment('masked', 'openai/echo-masked')}${deployment('text', 'openai/echo-text')}${deployment('claude', 'anthropic/echo-literal')}\n`,
  );
  virtualKey = (await gw.manage('POST', '/key/generate', {})).body.key as string;
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

/** Every form of the provider key a reader could use. */
function expectNoKey(text: string): void {
  expect(text).not.toContain(PROVIDER_KEY);
  expect(text).not.toContain(MASKED);
  expect(text).not.toContain(encodeURIComponent(PROVIDER_KEY));
  expect(text).not.toContain('Upstream7Secret');
}

async function chat(model: string, key = virtualKey): Promise<{ status: number; text: string; id: string }> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: response.status, text: await response.text(), id: response.headers.get('x-request-id') ?? '' };
}

describe('an upstream that repeats the provider key (issue 21, finding 7)', () => {
  it('reaches the client with the status and message, the key masked, for every way it is quoted', async () => {
    for (const model of ['literal', 'masked', 'text']) {
      const answer = await chat(model);
      expect(answer.status).toBe(401);
      expectNoKey(answer.text);
    }
    const literal = JSON.parse((await chat('literal')).text) as { error: { message: string; code: string } };
    expect(literal.error.message).toBe('Incorrect API key provided: ***. You can find your API key at https://platform.openai.com/account/api-keys.');
    expect(literal.error.code).toBe('invalid_api_key');
  });

  it('in another dialect too: the Anthropic SDK on a translated route, and count_tokens relayed natively', async () => {
    const claude = new Anthropic({ apiKey: virtualKey, baseURL: gw.url, maxRetries: 0 });
    const translated = await claude.messages.create({ model: 'literal', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((error: Error) => error);
    expect(translated).toBeInstanceOf(Anthropic.AuthenticationError);
    expectNoKey((translated as Error).message);
    const counted = await claude.messages.countTokens({ model: 'claude', messages: [{ role: 'user', content: 'hi' }] }).catch((error: Error) => error);
    expect(counted).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((counted as Error).message).toContain('Incorrect API key provided: ***');
    expectNoKey((counted as Error).message);
  });

  it('is masked in the "Attempt failed" warning, the request log and /health', async () => {
    const { id } = await chat('masked');
    const warnings = gw.logger.records.filter((entry) => entry.msg === 'Attempt failed');
    expect(warnings.length).toBeGreaterThan(0);
    for (const warning of warnings) expectNoKey(JSON.stringify(warning));
    await expect.poll(async () => (await gw.app.api['logs.list']({ limit: 1000 })).some((row) => row.id === id)).toBe(true);
    const details = await gw.app.api['logs.get']({ id });
    expect(details.attempts[0]?.reason).toMatch(/^401: Incorrect API key provided: \*\*\*/);
    expectNoKey(JSON.stringify(details));
    const health = await fetch(`${gw.url}/health`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
    expectNoKey(await health.text());
  });
});
