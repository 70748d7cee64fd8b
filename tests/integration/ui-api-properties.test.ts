// A property over every method of the app's API (POST /ui/api/<method>, the handlers Electron's
// IPC calls too): whatever a buggy page sends — requests shaped by the services' own zod schemas,
// their strings drawn from names and ids that exist, too long, or junk — the answer is data with
// a client's error code, never `internal`. Fixed seed: `npm test` replays the same requests.
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, type ApiMethod } from '../../shared/api.js';
import { alertSettingsSchema } from '../../electron/services/alerts/index.js';
import { importSchema } from '../../electron/services/config-io.js';
import { byId } from '../../electron/services/index.js';
import { replaySchema } from '../../electron/services/log-replay.js';
import { keyPatchSchema, listSchema } from '../../electron/services/keys.js';
import { addSchema, nameSchema, renameSchema, updateSchema as modelUpdateSchema } from '../../electron/services/model-schemas.js';
import { addKeySchema, removeKeySchema } from '../../electron/services/provider-keys.js';
import { providerInputSchema, providerUpdateSchema } from '../../electron/services/providers.js';
import { updateSchema as routingUpdateSchema, explainSchema } from '../../electron/services/routing.js';
import { logsSchema, retentionSchema, sessionsSchema } from '../../electron/services/usage.js';
import { searchTestSchema, searchUpdateSchema } from '../../electron/services/search.js';
import { mcpServerSchema } from '../../electron/services/mcp-servers.js';
import { openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { arbitraryOf, junk, type ZodArbitraryOptions } from '../helpers/zod-arbitrary.js';

const SEED = 20260514;
const RUNS_PER_METHOD = 60;

let upstream: MockUpstream;
let gw: TestGateway;
let cookie = '';
/** Names and ids the app holds now (seeded, then whatever the calls create), for requests that hit real rows. */
const pool = new Set<string>(['fromfile', 'openai', 'anthropic', 'ollama']);

interface Answer {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string; param?: string | null };
}

async function call(method: string, request: unknown): Promise<Answer> {
  const response = await fetch(`${gw.url}/ui/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: gw.url },
    body: JSON.stringify(request),
  });
  const answer = (await response.json()) as Answer;
  // Errors are data; only a refusal (permission) also says so in its status.
  expect(response.status, method).toBe(answer.error?.code === 'permission' ? 403 : 200);
  return answer;
}

/** Keeps the names and ids an answer carries, so later requests name rows that exist. */
function remember(value: unknown, depth = 0): void {
  if (depth > 3 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) return value.slice(0, 20).forEach((item) => remember(item, depth + 1));
  for (const [field, inner] of Object.entries(value)) {
    if (typeof inner === 'string' && ['id', 'name', 'keyAlias', 'modelName'].includes(field) && inner.length < 100 && pool.size < 200) pool.add(inner);
    else remember(inner, depth + 1);
  }
}

const loopbackBase = fc.constantFrom(null, '', 'http://127.0.0.1:9/v1', 'ftp://nowhere', 'not a url');
const family = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('openai', 'anthropic', 'ollama') }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) });
// An MCP server's command never names a real program: mcp.start would run it.
const command = fc.constantFrom(null, '', '/nonexistent/loopgate-fuzz-server');
const options: ZodArbitraryOptions = { pool: () => [...pool], fields: { apiBase: loopbackBase, url: loopbackBase, family, command } };
const of = (schema: z.ZodType): fc.Arbitrary<unknown> => arbitraryOf(schema, options);
const nothing = fc.oneof(fc.constant({}), fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 3 }));
const yaml = fc.constantFrom(
  'model_list: []\n',
  `model_list:\n  - model_name: imported\n    litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1", api_key: sk-x }\nrouter_settings:\n  num_retries: 1\n`,
  'router_settings:\n  num_retries: -1\n',
  'litellm_settings:\n  fallbacks: [{ nope: [missing] }]\n',
  'model_list: 5\n',
  ':\n  - [',
);

/** Every method's requests; the compiler holds the table to the contract. */
const REQUESTS: Record<ApiMethod, fc.Arbitrary<unknown>> = {
  'status.get': nothing,
  'providers.list': nothing,
  'providers.create': of(providerInputSchema),
  'providers.update': of(providerUpdateSchema),
  'providers.delete': of(byId),
  'providers.test': of(byId),
  'providers.discover': nothing,
  'providers.addKey': of(addKeySchema),
  'providers.removeKey': of(removeKeySchema),
  'models.list': nothing,
  'models.add': of(addSchema),
  'models.remove': of(byId),
  'models.groups': nothing,
  'models.update': of(modelUpdateSchema),
  'models.renameGroup': of(renameSchema),
  'models.removeGroup': of(nameSchema),
  'models.references': of(nameSchema),
  'models.copyFromConfig': of(nameSchema),
  'routing.get': nothing,
  'routing.update': of(routingUpdateSchema),
  'routing.copyFromConfig': nothing,
  'routing.explain': of(explainSchema),
  'search.get': nothing,
  'search.update': of(searchUpdateSchema),
  'search.test': of(searchTestSchema),
  'config.export': nothing,
  'config.previewImport': fc.oneof(of(importSchema), fc.record({ yaml })),
  'config.import': fc.oneof(of(importSchema), fc.record({ yaml })),
  'keys.list': of(listSchema),
  'keys.create': of(keyPatchSchema),
  'keys.update': of(keyPatchSchema.extend({ id: z.string(), version: z.number().int() })),
  'keys.setActive': of(z.object({ id: z.string(), active: z.boolean(), version: z.number().int() })),
  'keys.delete': of(byId),
  'keys.recentClients': of(byId),
  'usage.series': of(z.object({ days: z.number() })),
  'usage.sessions': of(sessionsSchema),
  'logs.list': of(logsSchema),
  'logs.facets': nothing,
  'logs.get': of(byId),
  'logs.retention': nothing,
  'logs.setRetention': of(retentionSchema),
  'shell.installCommand': nothing,
  'shell.restartGateway': nothing,
  'logs.replay': of(replaySchema),
  'alerts.list': nothing,
  'alerts.settings': nothing,
  'alerts.updateSettings': of(alertSettingsSchema),
  'updates.get': nothing,
  'updates.configure': fc.record({ enabled: fc.boolean(), channel: fc.constantFrom('stable', 'beta', 'nightly') }),
  'updates.check': nothing,
  'updates.restart': nothing,
  'mcp.list': nothing,
  'mcp.create': of(mcpServerSchema),
  'mcp.update': fc.tuple(of(mcpServerSchema), of(z.object({ id: z.string(), version: z.number().int() }))).map(([server, row]) => ({ ...(server as object), ...(row as object) })),
  'mcp.delete': of(byId),
  'mcp.start': of(z.object({ name: z.string() })),
  'mcp.importPreview': nothing,
  'mcp.import': of(z.object({ servers: z.array(z.object({ tool: z.string(), name: z.string() })) })),
};

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(`model_list:${openaiModel('fromfile', 'gpt-4o', `${upstream.url}/v1`)}\nrouter_settings:\n  num_retries: 1\n`);
  const signIn = await fetch(`${gw.url}/ui/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: gw.url }, body: JSON.stringify({ masterKey: TEST_MASTER_KEY }) });
  cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
  // A few rows of each kind to edit, rename and collide with.
  const provider = await call('providers.create', { name: 'seeded', family: 'openai', apiBase: `${upstream.url}/v1`, apiKey: 'sk-upstream' });
  remember(provider.value);
  remember((await call('models.add', { modelName: 'seeded-group', providerId: (provider.value as { id: string }).id, upstreamModel: 'gpt-4o' })).value);
  remember((await call('keys.create', { keyAlias: 'seeded-key' })).value);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('unique names and long strings', () => {
  it('a provider name, a key alias and a group name taken twice are each a conflict naming the field', async () => {
    const provider = await call('providers.create', { name: 'twice', family: 'openai', apiBase: null, apiKey: 'sk-a' });
    expect(await call('providers.create', { name: 'twice', family: 'anthropic', apiBase: null })).toMatchObject({ ok: false, error: { code: 'conflict', param: 'name' } });
    const other = (await call('providers.create', { name: 'once', family: 'openai', apiBase: null })).value as { id: string; version: number };
    expect(await call('providers.update', { ...other, name: 'twice', family: 'openai', apiBase: null })).toMatchObject({ ok: false, error: { code: 'conflict', param: 'name' } });

    expect(await call('keys.create', { keyAlias: 'shared-alias' })).toMatchObject({ ok: true });
    const duplicate = await call('keys.create', { keyAlias: 'shared-alias' });
    expect(duplicate).toMatchObject({ ok: false, error: { code: 'conflict', param: 'keyAlias' } });
    expect(duplicate.error?.message).toContain('shared-alias');
    const second = (await call('keys.create', { keyAlias: 'another-alias' })).value as { key: { id: string; version: number } };
    expect(await call('keys.update', { id: second.key.id, version: second.key.version, keyAlias: 'shared-alias' })).toMatchObject({ ok: false, error: { code: 'conflict', param: 'keyAlias' } });
    // A key keeps its own alias through an edit.
    expect(await call('keys.update', { id: second.key.id, version: second.key.version, keyAlias: 'another-alias', rpmLimit: 5 })).toMatchObject({ ok: true });

    const providerId = (provider.value as { id: string }).id;
    await call('models.add', { modelName: 'group-a', providerId, upstreamModel: 'gpt-4o' });
    await call('models.add', { modelName: 'group-b', providerId, upstreamModel: 'gpt-4o' });
    expect(await call('models.renameGroup', { from: 'group-a', to: 'group-b' })).toMatchObject({ ok: false, error: { code: 'conflict', param: 'to' } });
  });

  it('two creates of one name at once: one is made, the other is a conflict (the store catches what the check missed)', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => call('providers.create', { name: 'raced', family: 'openai', apiBase: null })));
    expect(answers.filter((answer) => answer.ok)).toHaveLength(1);
    expect(answers.filter((answer) => !answer.ok).map((answer) => [answer.error?.code, answer.error?.param])).toEqual([
      ['conflict', 'name'],
      ['conflict', 'name'],
    ]);
  });

  it('LiteLLM /key/generate with a key_alias in use answers 409 naming key_alias', async () => {
    expect((await gw.manage('POST', '/key/generate', { key_alias: 'litellm-alias' })).status).toBe(200);
    const again = await gw.manage('POST', '/key/generate', { key_alias: 'litellm-alias' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', param: 'key_alias' });
  });

  it('a search, a name or a URL past its cap is refused naming the field', async () => {
    expect(await call('keys.list', { search: 'a'.repeat(60_000), page: 1, size: 10 })).toMatchObject({ ok: false, error: { code: 'invalid_request', param: 'search' } });
    expect(await call('providers.create', { name: 'n'.repeat(201), family: 'openai', apiBase: null })).toMatchObject({ ok: false, error: { code: 'invalid_request', param: 'name' } });
    expect(await call('providers.create', { name: 'long url', family: 'openai', apiBase: `http://127.0.0.1/${'p'.repeat(2100)}` })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', param: 'apiBase' },
    });
    expect(await call('keys.list', { search: 'a'.repeat(200), page: 1, size: 10 })).toMatchObject({ ok: true });
  });
});

describe('every /ui/api method, any request', () => {
  it.each(API_METHODS)('%s answers with data, never internal', async (method) => {
    await fc.assert(
      fc.asyncProperty(REQUESTS[method], async (request) => {
        const answer = await call(method, request ?? {});
        if (answer.ok) remember(answer.value);
        else expect(answer.error?.code, `${method} ${JSON.stringify(request).slice(0, 300)}: ${answer.error?.message}`).not.toBe('internal');
      }),
      { numRuns: RUNS_PER_METHOD, seed: SEED, endOnFailure: true },
    );
  });

  it('left nothing unhandled in the log, and the app still answers', async () => {
    expect(gw.logger.records.filter((record) => record.msg === 'unhandled').map((record) => JSON.stringify(record).slice(0, 400))).toEqual([]);
    expect(await call('status.get', {})).toMatchObject({ ok: true });
  });
});
