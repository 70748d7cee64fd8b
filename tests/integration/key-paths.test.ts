// One application layer for keys: the app's API (IPC and /ui) and LiteLLM's /key/* API are two
// adapters over the same service, so the same edit stores the same key through either, and the
// same mistake is refused the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPatch } from '../../shared/api.js';
import type { VirtualKey } from '../../shared/keys.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const DAY_MS = 86_400_000;

let gw: TestGateway;
let cookie: string;

beforeAll(async () => {
  // A fixed clock, so durations counted "from now" agree to the millisecond on both paths.
  gw = await startTestGateway('model_list: []\n', { clock: () => NOW });
  const signIn = await fetch(`${gw.url}/ui/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: gw.url },
    body: JSON.stringify({ masterKey: TEST_MASTER_KEY }),
  });
  cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
});

afterAll(async () => {
  await gw?.close();
});

/** The app's API exactly as the renderer calls it in browser mode. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the answer field by field
async function app(method: string, request: unknown): Promise<{ ok: boolean; value?: any; error?: { code: string; param?: string | null; message: string } }> {
  const response = await fetch(`${gw.url}/ui/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: gw.url },
    body: JSON.stringify(request),
  });
  return (await response.json()) as never;
}

const APP_ALIAS = ' (app)';

/** What a key is set to, without what differs between two keys by nature (id, secret, times). */
function settings(key: VirtualKey | null) {
  expect(key).not.toBeNull();
  // Who made it differs by path on purpose ("app" / "master key"); everything set on it must not.
  const { id: _id, keyPrefix: _prefix, createdAt: _created, createdBy: _by, updatedAt: _updated, version: _version, ...rest } = key!;
  // An alias names one key, so the app's twin carries APP_ALIAS after the same alias.
  return { ...rest, keyAlias: rest.keyAlias?.replace(APP_ALIAS, '') ?? null };
}

/** The same edit in LiteLLM's names and in the contract's. */
const EDITS: Array<{ litellm: Record<string, unknown>; app: KeyPatch }> = [
  { litellm: { key_alias: 'renamed' }, app: { keyAlias: `renamed${APP_ALIAS}` } },
  { litellm: { rpm_limit: 60, tpm_limit: 1000, max_parallel_requests: 2 }, app: { rpmLimit: 60, tpmLimit: 1000, maxParallelRequests: 2 } },
  { litellm: { models: ['gpt-a', 'gpt-b'], aliases: { 'gpt-4': 'gpt-a' } }, app: { models: ['gpt-a', 'gpt-b'], aliases: { 'gpt-4': 'gpt-a' } } },
  { litellm: { max_budget: 5, budget_duration: '1d' }, app: { maxBudget: 5, budgetDuration: '1d' } },
  { litellm: { metadata: { team: 'tools' }, user_id: 'ana' }, app: { metadata: { team: 'tools' }, userId: 'ana' } },
  { litellm: { duration: '12h' }, app: { duration: '12h' } },
  { litellm: { tpm_limit: null, budget_duration: null }, app: { tpmLimit: null, budgetDuration: null } },
  { litellm: { duration: null }, app: { duration: null } },
  { litellm: { blocked: true }, app: { blocked: true } },
  {
    litellm: { tags: ['ci'], soft_budget: 2, model_max_budget: { 'gpt-a': { budget_limit: 1, time_period: '1d' } }, model_rpm_limit: { 'gpt-a': 3 }, model_tpm_limit: { 'gpt-a': 300 } },
    app: { tags: ['ci'], softBudget: 2, modelMaxBudget: { 'gpt-a': { budget_limit: 1, time_period: '1d' } }, modelRpmLimit: { 'gpt-a': 3 }, modelTpmLimit: { 'gpt-a': 300 } },
  },
];

describe('keys through the app and through the management API', () => {
  it("keeps a key's expiry when the app edits only its name", async () => {
    const created = await app('keys.create', { keyAlias: 'laptop', duration: '30d' });
    expect(created.value.key.expiresAt).toBe(NOW + 30 * DAY_MS);
    const edited = await app('keys.update', { id: created.value.key.id, version: created.value.key.version, keyAlias: 'laptop-2' });
    expect(edited.ok).toBe(true);
    expect(edited.value).toMatchObject({ keyAlias: 'laptop-2', expiresAt: NOW + 30 * DAY_MS, status: 'active' });
    expect((await gw.store.keys.findById(created.value.key.id))?.expiresAt).toBe(NOW + 30 * DAY_MS);
  });

  it('stores the same key after the same edits through either path', async () => {
    const first = { key_alias: 'twin', models: ['gpt-a'], rpm_limit: 10, duration: '30d', budget_duration: '30d', max_budget: 1 };
    const viaHttp = await gw.manage('POST', '/key/generate', first);
    const viaApp = await app('keys.create', { keyAlias: `twin${APP_ALIAS}`, models: ['gpt-a'], rpmLimit: 10, duration: '30d', budgetDuration: '30d', maxBudget: 1 });
    expect(viaHttp.status).toBe(200);
    expect(viaApp.ok).toBe(true);
    const httpId = viaHttp.body.token as string;
    let appKey = viaApp.value.key as { id: string; version: number };
    expect(settings(await gw.store.keys.findById(appKey.id))).toEqual(settings(await gw.store.keys.findById(httpId)));

    for (const edit of EDITS) {
      const http = await gw.manage('POST', '/key/update', { key: httpId, ...edit.litellm });
      const updated = await app('keys.update', { id: appKey.id, version: appKey.version, ...edit.app });
      expect(http.status, JSON.stringify(edit.litellm)).toBe(200);
      expect(updated.ok, JSON.stringify(edit.app)).toBe(true);
      appKey = updated.value;
      expect(settings(await gw.store.keys.findById(appKey.id)), JSON.stringify(edit.app)).toEqual(settings(await gw.store.keys.findById(httpId)));
    }
    expect(await gw.store.keys.findById(httpId)).toMatchObject({ keyAlias: 'renamed', expiresAt: null, blocked: true, budgetDuration: null, rpmLimit: 60 });
  });

  it.each([
    { what: 'a word for a number', litellm: { rpm_limit: 'sixty' }, app: { rpmLimit: 'sixty' }, param: ['rpm_limit', 'rpmLimit'] },
    { what: 'a fraction of a request', litellm: { rpm_limit: 1.5 }, app: { rpmLimit: 1.5 }, param: ['rpm_limit', 'rpmLimit'] },
    { what: 'a negative budget', litellm: { max_budget: -1 }, app: { maxBudget: -1 }, param: ['max_budget', 'maxBudget'] },
    { what: 'an expiry past any date', litellm: { duration: '99999999999999d' }, app: { duration: '99999999999999d' }, param: ['duration', 'duration'] },
    { what: 'an empty duration', litellm: { duration: '' }, app: { duration: '' }, param: ['duration', 'duration'] },
    { what: 'models as one string', litellm: { models: 'gpt-4o-mini' }, app: { models: 'gpt-4o-mini' }, param: ['models', 'models'] },
  ])('refuses $what the same way through both, and stores nothing', async ({ litellm, app: patch, param }) => {
    const before = await gw.store.keys.list({ page: 1, size: 100, now: NOW });
    const http = await gw.manage('POST', '/key/generate', litellm);
    const viaApp = await app('keys.create', patch);
    expect(http.status).toBe(400);
    expect(http.body.error).toMatchObject({ code: 'invalid_request', param: param[0] });
    expect(viaApp).toMatchObject({ ok: false, error: { code: 'invalid_request', param: param[1] } });
    expect((await gw.store.keys.list({ page: 1, size: 100, now: NOW })).total).toBe(before.total);
  });

  it('reports a stale edit as a conflict carrying the current key, in each path’s own shape', async () => {
    const created = await app('keys.create', { keyAlias: 'shared' });
    const key = created.value.key as { id: string; version: number };
    expect((await app('keys.update', { id: key.id, version: key.version, keyAlias: 'first' })).ok).toBe(true);
    const stale = await app('keys.update', { id: key.id, version: key.version, keyAlias: 'second' });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict', current: { id: key.id, keyAlias: 'first', version: key.version + 1 } } });
    const staleHttp = await gw.manage('POST', '/key/update', { key: key.id, version: key.version, key_alias: 'third' });
    expect(staleHttp.status).toBe(409);
    expect(staleHttp.body.error.current).toMatchObject({ token: key.id, key_alias: 'first', version: key.version + 1 });
  });
});
