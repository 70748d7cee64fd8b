// Issue 25, point 4: a provider whose clients sign in themselves (`api_key: passthrough`). A
// client's own Anthropic sign-in (Claude Code's OAuth token) reaches the upstream unchanged beside
// its Loopgate key in x-loopgate-key, and nowhere else: not another provider, the data dir, the
// server's output, /metrics, an admin answer or the response cache. Run on the built `loopgate serve`.
import Anthropic from '@anthropic-ai/sdk';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, type ApiMethod } from '../../shared/api.js';
import { startServe, tempDir, writeConfig, type RunningCli } from '../helpers/cli.js';
import { TEST_MASTER_KEY, anthropicModel } from '../helpers/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { serve, type MockServer } from '../helpers/mock-server.js';
import { callUi, signIn } from '../helpers/ui-events.js';

/** What every grep looks for: the prefix of every Claude subscription token. */
const OAUTH_PREFIX = 'sk-ant-oat';
const token = (): string => `${OAUTH_PREFIX}01-${randomBytes(30).toString('base64url')}`;
const TOKEN = token();
const OTHER_TOKEN = token();
const OAUTH_BETA = 'oauth-2025-04-20,claude-code-20250219';
const OPENAI_KEY = 'sk-background-upstream-key';

let claude: MockAnthropic;
let openai: MockUpstream;
/** An Anthropic upstream that refuses the token and repeats it, as a careless upstream might. */
let echo: MockServer;
let server: RunningCli;
let dataDir: string;
let key: string;
/** Every answer an admin reads, gathered for the grep at the end. */
const answers: string[] = [];

beforeAll(async () => {
  claude = await startMockAnthropic();
  openai = await startMockOpenAI();
  echo = await serve((_path, _query, headers, _body, _raw, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `OAuth token expired: ${String(headers.authorization)}` } }));
  });
  dataDir = tempDir('loopgate-passthrough-');
  const config = writeConfig(
    tempDir(),
    `model_list:${anthropicModel('claude-own', 'claude-sonnet-4-5', claude.url, 'passthrough')}${anthropicModel('claude-expired', 'claude-sonnet-4-5', echo.url, 'passthrough')}
  - model_name: background
    litellm_params:
      model: openai/mock-gpt
      api_base: ${openai.apiBase}
      api_key: ${OPENAI_KEY}
      input_cost_per_token: 0.001
      output_cost_per_token: 0.002
litellm_settings:
  cache: true
general_settings:
  master_key: ${TEST_MASTER_KEY}
  store_prompts_in_spend_logs: true
`,
  );
  server = await startServe(['--config', config, '--port', '0', '--data-dir', dataDir]);
  key = (await manage('POST', '/key/generate', { key_alias: 'claude-code' })).key as string;
}, 60_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.signal('SIGTERM');
    await server.exit;
  }
  await claude?.close();
  await openai?.close();
  await echo?.close();
});

async function manage(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  answers.push(`${path}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Claude Code with its own login: the subscription token as Bearer, the OAuth beta, the Loopgate key beside. */
function signedIn(ownToken = TOKEN): Anthropic {
  return new Anthropic({ authToken: ownToken, apiKey: null, baseURL: server.url, maxRetries: 0, defaultHeaders: { 'x-loopgate-key': key, 'anthropic-beta': OAUTH_BETA } });
}

async function messages(model: string, headers: Record<string, string>, content = 'hello'): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${server.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify({ model, max_tokens: 32, messages: [{ role: 'user', content }] }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('passthrough sign-in (issue 25, point 4)', () => {
  it('sends the client’s own Authorization and OAuth beta to the passthrough upstream unchanged, streamed or not', async () => {
    const client = signedIn();
    const answer = await client.messages.create({ model: 'claude-own', max_tokens: 32, messages: [{ role: 'user', content: 'hi from my subscription' }] });
    expect(answer.content[0]).toMatchObject({ type: 'text', text: 'Hello from Claude mock: hi from my subscription' });
    const stream = client.messages.stream({ model: 'claude-own', max_tokens: 32, messages: [{ role: 'user', content: 'and streamed' }] });
    expect((await stream.finalMessage()).content[0]).toMatchObject({ text: 'Hello from Claude mock: and streamed' });
    const counted = await client.messages.countTokens({ model: 'claude-own', messages: [{ role: 'user', content: 'count me' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);

    expect(claude.requests.map((request) => request.path)).toEqual(['/v1/messages', '/v1/messages', '/v1/messages/count_tokens']);
    for (const request of claude.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request.headers['anthropic-beta']).toBe(OAUTH_BETA);
      // Nothing of Loopgate's own credentials goes with it.
      expect(request.headers['x-api-key']).toBeUndefined();
      expect(request.headers['x-loopgate-key']).toBeUndefined();
    }
  });

  it('passes an x-api-key the client signs in with, and never the Loopgate key sent the usual way', async () => {
    const before = claude.requests.length;
    const ownKey = 'sk-ant-api03-client-own-key-0123456789';
    expect((await messages('claude-own', { 'x-loopgate-key': key, 'x-api-key': ownKey })).status).toBe(200);
    expect(claude.requests[before]!.headers['x-api-key']).toBe(ownKey);
    expect(claude.requests[before]!.headers.authorization).toBeUndefined();
  });

  it('answers 401 in Anthropic’s shape, before any upstream, when the route needs the client’s own sign-in and it sent none', async () => {
    const before = claude.requests.length;
    const withoutOwnSignIn: Array<Record<string, string>> = [{ 'x-loopgate-key': key }, { 'x-api-key': key }, { authorization: `Bearer ${key}` }, { 'x-loopgate-key': key, authorization: `Bearer ${key}` }];
    for (const headers of withoutOwnSignIn) {
      const refused = await messages('claude-own', headers);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      expect(String((refused.body.error as { message: string }).message)).toContain('x-loopgate-key');
    }
    // In OpenAI's shape the stable code says which 401 it is.
    const chat = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-own', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status).toBe(401);
    expect(await chat.json()).toMatchObject({ error: { code: 'sign_in_required', type: 'authentication_error' } });
    expect(claude.requests.length).toBe(before);
    // A wrong Loopgate key is still the plain "invalid key"; so is the token alone, taken for a Loopgate key.
    expect((await messages('claude-own', { 'x-loopgate-key': 'sk-wrong', authorization: `Bearer ${TOKEN}` })).status).toBe(401);
    expect((await messages('claude-own', { authorization: `Bearer ${TOKEN}` })).body).toMatchObject({ error: { type: 'authentication_error' } });
    expect(claude.requests.length).toBe(before);
  });

  it('serves a background route to another provider in the same session with that provider’s own key, never the token', async () => {
    const background = await signedIn().messages.create({ model: 'background', max_tokens: 16, messages: [{ role: 'user', content: 'summarise the title' }] });
    expect(background.content[0]).toMatchObject({ type: 'text' });
    expect(openai.requests).toHaveLength(1);
    const seen = JSON.stringify(openai.requests);
    expect(seen).not.toContain(OAUTH_PREFIX);
    expect(openai.requests[0]!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(openai.requests[0]!.headers['x-loopgate-key']).toBeUndefined();
  });

  it('never answers one client’s sign-in from the cache to another, while the cache serves other routes', async () => {
    const before = claude.requests.length;
    const mine = await messages('claude-own', { 'x-loopgate-key': key, authorization: `Bearer ${TOKEN}` }, 'same question');
    const theirs = await messages('claude-own', { 'x-loopgate-key': key, authorization: `Bearer ${OTHER_TOKEN}` }, 'same question');
    expect([mine.status, theirs.status]).toEqual([200, 200]);
    expect(claude.requests.slice(before).map((request) => request.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${OTHER_TOKEN}`]);
    expect(theirs.headers.get('x-loopgate-cache')).toBeNull();
    // The cache is on: the same question twice on the keyed route is answered once upstream.
    for (let i = 0; i < 2; i++) await messages('background', { 'x-api-key': key }, 'cached question');
    expect(openai.requests).toHaveLength(2);
  });

  it('masks the token an upstream repeats in its refusal, for the client and the request log', async () => {
    const refused = await messages('claude-expired', { 'x-loopgate-key': key, authorization: `Bearer ${TOKEN}` });
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.body)).not.toContain(OAUTH_PREFIX);
    expect(echo.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('counts the subscription’s tokens against the key at no spend, the keyed route at its price', async () => {
    const logs = (await (await fetch(`${server.url}/spend/logs?api_key=${encodeURIComponent(key)}`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } })).json()) as Array<{
      model_group: string;
      status: string;
      spend: number;
      total_tokens: number;
    }>;
    answers.push(JSON.stringify(logs));
    const served = logs.filter((row) => row.status === 'success' && row.total_tokens > 0);
    const own = served.filter((row) => row.model_group === 'claude-own');
    expect(own.length).toBeGreaterThanOrEqual(4);
    expect(own.map((row) => row.spend)).toEqual(own.map(() => 0));
    expect(served.filter((row) => row.model_group === 'background').some((row) => row.spend > 0)).toBe(true);
    // The refusals for a missing sign-in are in the log too, as the client's 401.
    expect(logs.filter((row) => row.model_group === 'claude-own' && row.status === 'failure').length).toBeGreaterThanOrEqual(4);
  });

  it('is shown as each tool’s own sign-in in the app, and can be made there too', async () => {
    const cookie = await signIn(server.url);
    const ui = async (method: ApiMethod, request: unknown): Promise<unknown> => {
      const { body } = await callUi(server.url, cookie, method, request as never);
      answers.push(`${method}: ${JSON.stringify(body)}`);
      return body;
    };
    const made = (await ui('providers.create', { name: 'My Claude login', family: 'anthropic', apiBase: claude.url, credential: 'passthrough' })) as {
      ok: true;
      value: { id: string; credential: string; keyHint: string | null };
    };
    expect(made.value).toMatchObject({ credential: 'passthrough', keyHint: null });
    expect(await ui('providers.create', { name: 'Not here', family: 'openai', apiBase: null, credential: 'passthrough' })).toMatchObject({ ok: false, error: { code: 'invalid_request', param: 'credential' } });
    expect(await ui('models.add', { providerId: made.value.id, upstreamModel: 'claude-opus-4-1', modelName: 'claude-app' })).toMatchObject({ ok: true });
    const before = claude.requests.length;
    expect((await signedIn().messages.create({ model: 'claude-app', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })).content[0]).toMatchObject({ type: 'text' });
    expect(claude.requests[before]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect((await messages('claude-app', { 'x-loopgate-key': key })).status).toBe(401);

    const providers = (await ui('providers.list', {})) as { value: Array<{ name: string; credential: string }> };
    expect(providers.value.find((provider) => provider.name === 'anthropic (config file)')).toMatchObject({ credential: 'passthrough' });
    const exported = (await ui('config.export', {})) as { value: { yaml: string } };
    expect(exported.value.yaml).toContain('api_key: passthrough');

    // Every method's answer, read ones with what they need, the rest as a bare call.
    const entries = (await ui('logs.list', { limit: 100 })) as { value: Array<{ id: string }> };
    for (const entry of entries.value) await ui('logs.get', { id: entry.id });
    const keys = (await ui('keys.list', { page: 1, size: 50 })) as { value: { keys: Array<{ id: string }> } };
    for (const listed of keys.value.keys) await ui('keys.recentClients', { id: listed.id });
    await ui('usage.series', { days: 7 });
    await ui('providers.test', { id: made.value.id });
    for (const group of ['claude-own', 'claude-app', 'background']) await ui('models.references', { name: group });
    for (const method of API_METHODS) await ui(method, {});
  });

  it('leaves no trace of the token in the data dir, the server’s output, /metrics or any admin answer', async () => {
    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
    expect(metrics.status).toBe(200);
    answers.push(await metrics.text());
    for (const path of ['/key/list', `/key/info?key=${encodeURIComponent(key)}`, '/spend/logs', '/global/spend', '/global/spend/keys', '/model/info', '/v1/model/info', '/model_group/info', '/health', '/v1/models']) {
      await manage('GET', path);
    }
    await manage('POST', '/v2/key/info', { keys: [key] });
    expect(answers.length).toBeGreaterThan(40);
    for (const answer of answers) expect(answer).not.toContain(OAUTH_PREFIX);

    // Stopped, so the request log, journal and snapshot are all on disk.
    server.signal('SIGTERM');
    expect(await server.exit).toBe(0);
    const files = filesUnder(dataDir);
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) expect(readFileSync(file).toString('latin1'), file).not.toContain(OAUTH_PREFIX);
    const output = server.stdout() + server.stderr();
    expect(output).toContain('Attempt failed');
    expect(output).not.toContain(OAUTH_PREFIX);
  });
});
