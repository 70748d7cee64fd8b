// Importing a LiteLLM config.yaml brings its routing: router_settings and litellm_settings
// become the app's routing settings, previewed setting by setting first, saved naming the
// version the preview read; what cannot be imported is named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportPreview, ImportResult, RoutingView } from '../../shared/api.js';
import { openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let upstream: MockUpstream;
let gw: TestGateway;
let cookie = '';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads answers field by field
async function call(method: string, request: unknown): Promise<{ ok: boolean; value?: any; error?: any }> {
  const response = await fetch(`${gw.url}/ui/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: gw.url }, body: JSON.stringify(request) });
  return (await response.json()) as never;
}

function config(): string {
  return `model_list:${openaiModel('big', 'gpt-4o', upstream.apiBase)}${openaiModel('small', 'gpt-4o-mini', upstream.apiBase)}${openaiModel('long', 'gpt-4.1', upstream.apiBase)}
router_settings:
  routing_strategy: least-busy
  num_retries: 1
  timeout: 45
  cooldown_time: 12
  fallbacks: [{ big: [small] }]
  context_window_fallbacks: [{ big: [long] }]
  model_group_alias: { gpt-4: big }
  redis_host: redis.internal
litellm_settings:
  content_policy_fallbacks: [{ small: [big] }]
  allowed_fails: 7
  drop_params: true
general_settings:
  master_key: sk-elsewhere
`;
}

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway('model_list: []\n');
  const signIn = await fetch(`${gw.url}/ui/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: gw.url }, body: JSON.stringify({ masterKey: TEST_MASTER_KEY }) });
  cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('importing a config with routing settings', () => {
  it('previews each routing setting before and after, names what stays behind, and writes nothing', async () => {
    const preview = (await call('config.previewImport', { yaml: config() })).value as ImportPreview;
    expect(preview).toMatchObject({ groups: ['big', 'small', 'long'], models: 3, providers: 1, routingVersion: 0 });
    expect(Object.fromEntries(preview.routing.map((change) => [change.field, [change.from, change.before, change.after]]))).toEqual({
      strategy: ['router_settings.routing_strategy', 'simple-shuffle', 'least-busy'],
      numRetries: ['router_settings.num_retries', 2, 1],
      timeoutSeconds: ['router_settings.timeout', 600, 45],
      cooldownSeconds: ['router_settings.cooldown_time', 5, 12],
      allowedFails: ['litellm_settings.allowed_fails', 3, 7],
      fallbacks: ['router_settings.fallbacks', {}, { big: ['small'] }],
      contextWindowFallbacks: ['router_settings.context_window_fallbacks', {}, { big: ['long'] }],
      contentPolicyFallbacks: ['litellm_settings.content_policy_fallbacks', {}, { small: ['big'] }],
      modelGroupAlias: ['router_settings.model_group_alias', {}, { 'gpt-4': { model: 'big', hidden: false } }],
      dropParams: ['litellm_settings.drop_params', false, true],
    });
    expect(preview.skipped).toEqual([expect.stringMatching(/^general_settings \(the master key/), expect.stringMatching(/^router_settings\.redis_host \(Redis/)]);
    expect((await call('routing.get', {})).value).toMatchObject({ version: 0, source: 'defaults', numRetries: 2 });
    expect((await call('models.groups', {})).value).toEqual([]);
  });

  it('a routing edit made after the preview wins: the import is a conflict carrying it, and copies nothing', async () => {
    const preview = (await call('config.previewImport', { yaml: config() })).value as ImportPreview;
    const current = (await call('routing.get', {})).value as RoutingView;
    expect((await call('routing.update', { ...current, cooldownSeconds: 30 })).ok).toBe(true);
    const stale = await call('config.import', { yaml: config(), routingVersion: preview.routingVersion });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict', current: { version: 1, cooldownSeconds: 30 } } });
    expect((await call('models.groups', {})).value).toEqual([]);
  });

  it('imported with the version it read, the routing settings are the file’s and route at once', async () => {
    const preview = (await call('config.previewImport', { yaml: config() })).value as ImportPreview;
    expect(preview.routingVersion).toBe(1);
    expect(preview.routing.find((change) => change.field === 'cooldownSeconds')).toMatchObject({ before: 30, after: 12 });
    const result = (await call('config.import', { yaml: config(), routingVersion: preview.routingVersion })).value as ImportResult;
    expect(result).toMatchObject({ models: 3, providers: 1, routingChanged: 10, routing: { version: 2, source: 'app', strategy: 'least-busy', numRetries: 1 } });
    expect((await call('routing.get', {})).value).toMatchObject({
      version: 2,
      strategy: 'least-busy',
      numRetries: 1,
      timeoutSeconds: 45,
      cooldownSeconds: 12,
      allowedFails: 7,
      fallbacks: { big: ['small'] },
      contextWindowFallbacks: { big: ['long'] },
      contentPolicyFallbacks: { small: ['big'] },
      modelGroupAlias: { 'gpt-4': { model: 'big', hidden: false } },
      dropParams: true,
    });
    // The alias routes: it came with the import.
    const answer = await gw.client().chat.completions.create({ model: 'gpt-4', messages: [{ role: 'user', content: 'aliased' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello from mock: aliased');
  });

  it('a config that sets no routing leaves the routing settings as they are', async () => {
    const result = (await call('config.import', { yaml: `model_list:${openaiModel('plain', 'gpt-4o', upstream.apiBase)}\n` })).value as ImportResult;
    expect(result).toMatchObject({ models: 1, routingChanged: 0, skipped: [], routing: { version: 2, numRetries: 1 } });
  });

  it('a config of routing alone may name the app’s groups', async () => {
    const yaml = 'router_settings:\n  fallbacks: [{ plain: [big] }]\n  model_group_alias: { gpt-4o: plain }\n';
    const preview = (await call('config.previewImport', { yaml })).value as ImportPreview;
    expect(preview).toMatchObject({ models: 0, routingVersion: 2 });
    expect(preview.routing.map((change) => change.after)).toEqual([
      { big: ['small'], plain: ['big'] },
      { 'gpt-4': { model: 'big', hidden: false }, 'gpt-4o': { model: 'plain', hidden: false } },
    ]);
    expect((await call('config.import', { yaml, routingVersion: 2 })).value).toMatchObject({ routingChanged: 2, routing: { version: 3, fallbacks: { plain: ['big'] } } });
    // A name neither the file nor the app has is still refused, naming where.
    expect(await call('config.previewImport', { yaml: 'router_settings:\n  fallbacks: [{ plain: [nowhere] }]\n' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: expect.stringContaining('router_settings.fallbacks[0].plain[0]') },
    });
  });

  it('a routing setting that cannot be saved is refused in the preview, naming it', async () => {
    // "big" is a group in the app already: an alias of that name would hide it.
    const answer = await call('config.previewImport', { yaml: `model_list:${openaiModel('tiny', 'gpt-4o-mini', upstream.apiBase)}\nrouter_settings:\n  model_group_alias: { big: tiny }\n` });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_request', param: 'modelGroupAlias.big' } });
    expect((await call('models.groups', {})).value.map((group: { name: string }) => group.name)).not.toContain('tiny');
  });
});
