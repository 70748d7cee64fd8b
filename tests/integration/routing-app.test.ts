// Routing made in the app (issue 10): routing settings and deployment settings saved in the
// store, versioned, and applied to the running gateway at once, against mock upstreams with
// the official openai client and plain fetch. Each test watches what a user would: which
// upstream served, what the client got back, what the app's views say.
import { describe, expect, it } from 'vitest';
import type { ApiHandlers, ApiRequest, DeploymentView, RoutingSettings, RoutingView } from '../../shared/api.js';
import { modelEntry, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import type { MockUpstream } from '../helpers/mock-openai.js';
import { routingBench, served } from '../helpers/routing-bench.js';

const bench = routingBench();
const { chat } = bench;

function entry(name: string, upstream: MockUpstream, model: string, extra = ''): string {
  return `${modelEntry(name, { model: `openai/${model}`, api_base: upstream.apiBase, api_key: `sk-file-${model}` })}${extra}`;
}

function gateway(models: string[] = [], settings = ''): Promise<TestGateway> {
  const list = models.length > 0 ? `model_list:${models.join('')}\n` : 'model_list: []\n';
  return bench.start(`${list}${settings}`);
}

function api(): ApiHandlers {
  return bench.gw.app.api;
}

/** An app provider on a mock upstream, and app deployments on it. */
async function provider(upstream: MockUpstream, name: string): Promise<string> {
  return (await api()['providers.create']({ name, family: 'openai', apiBase: upstream.apiBase, apiKey: `sk-${name}` })).id;
}

async function add(request: ApiRequest<'models.add'>): Promise<DeploymentView> {
  return api()['models.add'](request);
}

/** The routing settings a page read, edited and sent back with the version it read. */
async function saveRouting(edit: Partial<RoutingSettings>): Promise<RoutingView> {
  const read = await api()['routing.get']({});
  return api()['routing.update']({ ...read, ...edit });
}

/** Which upstream model served each of `n` requests to `model`, counted. */
/** How many of n requests each deployment served, by its upstream model (answers name the model asked for, so the deployment header says which served). */
async function spread(model: string, n: number): Promise<Record<string, number>> {
  const upstreamOf = new Map((await api()['models.list']({})).map((deployment) => [deployment.id, deployment.upstreamModel]));
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const response = await chat(model);
    expect(response.status).toBe(200);
    await response.text();
    const upstreamModel = upstreamOf.get(response.headers.get('x-loopgate-deployment') ?? '') ?? 'unknown';
    counts[upstreamModel] = (counts[upstreamModel] ?? 0) + 1;
  }
  return counts;
}

describe('routing settings made in the app', () => {
  it('start as the config file says, then the app’s saved settings are in force, versioned', async () => {
    await gateway([entry('m', bench.a, 'file-model')], 'router_settings:\n  num_retries: 4\n  routing_strategy: least-busy\n');
    const before = await api()['routing.get']({});
    expect(before).toMatchObject({ source: 'config file', version: 0, configFileHasSettings: true, numRetries: 4, strategy: 'least-busy' });
    const saved = await saveRouting({ numRetries: 1, strategy: 'simple-shuffle' });
    expect(saved).toMatchObject({ source: 'app', version: 1, numRetries: 1, strategy: 'simple-shuffle' });
    expect(await api()['routing.get']({})).toEqual(saved);
    expect((await saveRouting({ numRetries: 2 })).version).toBe(2);
  });

  it('reach live traffic: the strategy, a weight, a disabled deployment', async () => {
    await gateway();
    const [pa, pb] = [await provider(bench.a, 'A'), await provider(bench.b, 'B')];
    // A carries all the weight; B is the cheaper one.
    await add({ modelName: 'm', providerId: pa, upstreamModel: 'dear', settings: { weight: 1, inputCostPerToken: 0.001, outputCostPerToken: 0.001 } });
    const cheap = await add({ modelName: 'm', providerId: pb, upstreamModel: 'cheap', settings: { weight: 0, inputCostPerToken: 0.000001, outputCostPerToken: 0.000001 } });
    expect(await spread('m', 10)).toEqual({ dear: 10 });

    await saveRouting({ strategy: 'cost-based-routing' });
    expect(await spread('m', 10)).toEqual({ cheap: 10 });

    const disabled = await api()['models.update']({ id: cheap.id, version: cheap.version, settings: { enabled: false } });
    expect(disabled).toMatchObject({ settings: { enabled: false, weight: 0 }, state: 'disabled', version: 2 });
    expect(await spread('m', 10)).toEqual({ dear: 10 });
  });

  it('order puts one deployment first; a weight edit moves traffic at once', async () => {
    await gateway();
    const [pa, pb] = [await provider(bench.a, 'A'), await provider(bench.b, 'B')];
    const first = await add({ modelName: 'm', providerId: pa, upstreamModel: 'first', settings: { order: 2 } });
    await add({ modelName: 'm', providerId: pb, upstreamModel: 'second', settings: { order: 1 } });
    expect(await spread('m', 6)).toEqual({ second: 6 });
    await api()['models.update']({ id: first.id, version: first.version, settings: { order: 1, weight: 1 } });
    const other = (await api()['models.list']({})).find((d) => d.upstreamModel === 'second')!;
    await api()['models.update']({ id: other.id, version: other.version, settings: { weight: 0 } });
    expect(await spread('m', 6)).toEqual({ first: 6 });
  });

  it('cool a failing deployment for the app’s cooldown time, and keep it cooling through unrelated edits', async () => {
    await gateway();
    const [pa, pb] = [await provider(bench.a, 'A'), await provider(bench.b, 'B')];
    const primary = await add({ modelName: 'm', providerId: pa, upstreamModel: 'primary', settings: { order: 1 } });
    const backup = await add({ modelName: 'm', providerId: pb, upstreamModel: 'backup', settings: { order: 2 } });
    await saveRouting({ numRetries: 0, allowedFails: 0, cooldownSeconds: 300 });

    bench.a.setFailing(500);
    expect((await chat('m')).status).toBe(500); // no retries: the client sees the primary's failure
    bench.a.setFailing(null);
    expect(await spread('m', 2)).toEqual({ backup: 2 });

    // Unrelated edits: the routing settings, and the other deployment of the group.
    await saveRouting({ retryAfterSeconds: 1 });
    await api()['models.update']({ id: backup.id, version: backup.version, settings: { weight: 5 } });
    bench.offsetMs += 100_000; // past LiteLLM's default 5s cooldown, well inside the app's 300s
    expect(await spread('m', 2)).toEqual({ backup: 2 });
    expect(served(bench.a, 'primary')).toBe(1);
    const listed = (await api()['models.list']({})).find((d) => d.id === primary.id)!;
    expect(listed.live).toMatchObject({ state: 'cooling', lastError: expect.stringContaining('500') });
    expect(listed.live.coolingUntil).toBeGreaterThan(Date.now() + bench.offsetMs);

    bench.offsetMs += 201_000;
    expect(await spread('m', 1)).toEqual({ primary: 1 });
  });

  it('use a fallback added in the app when the primary fails, and refuse one naming nothing', async () => {
    await gateway();
    const [pa, pb] = [await provider(bench.a, 'A'), await provider(bench.b, 'B')];
    await add({ modelName: 'primary', providerId: pa, upstreamModel: 'fail-500' });
    const rescue = await add({ modelName: 'rescue', providerId: pb, upstreamModel: 'rescue' });
    await saveRouting({ numRetries: 0 });
    expect((await chat('primary')).status).toBe(500);

    await expect(saveRouting({ fallbacks: { primary: ['nowhere'] } })).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'fallbacks.primary[0]',
      message: expect.stringContaining('"nowhere"'),
    });
    await expect(saveRouting({ modelGroupAlias: { fast: { model: 'nowhere', hidden: false } } })).rejects.toMatchObject({ param: 'modelGroupAlias.fast.model' });
    // LiteLLM lets a fallback name a deployment by its model_info.id; the app accepts one too.
    expect((await saveRouting({ contextWindowFallbacks: { primary: [rescue.id] } })).contextWindowFallbacks).toEqual({ primary: [rescue.id] });

    await saveRouting({ fallbacks: { primary: ['rescue'] } });
    const rescued = await chat('primary');
    expect(rescued.status).toBe(200);
    expect(rescued.headers.get('x-loopgate-deployment')).toBe(rescue.id);
    expect(served(bench.b, 'rescue')).toBe(1);
  });

  it('switch the response cache on, resize it and off without a restart', async () => {
    await gateway([entry('m', bench.a, 'cached')]);
    await chat('m', 'same');
    expect((await chat('m', 'same')).headers.get('x-loopgate-cache')).toBeNull();
    expect(served(bench.a, 'cached')).toBe(2);

    await saveRouting({ cache: { enabled: true, ttlSeconds: 60, maxEntries: 10 } });
    expect((await chat('m', 'same')).headers.get('x-loopgate-cache')).toBe('miss');
    const hit = await chat('m', 'same');
    expect(hit.headers.get('x-loopgate-cache')).toBe('hit');
    expect(await hit.json()).toMatchObject({ choices: [{ message: { content: 'Hello from mock: same' } }] });
    expect(served(bench.a, 'cached')).toBe(3);

    // A TTL of one second: the entry made now is gone two seconds on.
    await saveRouting({ cache: { enabled: true, ttlSeconds: 1, maxEntries: 10 } });
    expect((await chat('m', 'again')).headers.get('x-loopgate-cache')).toBe('miss');
    bench.offsetMs += 2_000;
    expect((await chat('m', 'again')).headers.get('x-loopgate-cache')).toBe('miss');
    expect(served(bench.a, 'cached')).toBe(5);

    await saveRouting({ cache: { enabled: false, ttlSeconds: 1, maxEntries: 10 } });
    await chat('m', 'same');
    expect((await chat('m', 'same')).headers.get('x-loopgate-cache')).toBeNull();
    expect(served(bench.a, 'cached')).toBe(7);
  });

  it('answer a stale edit from a second page with a conflict carrying the current settings', async () => {
    await gateway([entry('m', bench.a, 'x')]);
    const signIn = await fetch(`${bench.gw.url}/ui/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: bench.gw.url },
      body: JSON.stringify({ masterKey: TEST_MASTER_KEY }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the answer field by field
    const page = async (method: string, request: unknown): Promise<{ ok: boolean; value?: any; error?: any }> =>
      (await (await fetch(`${bench.gw.url}/ui/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: bench.gw.url }, body: JSON.stringify(request) })).json()) as never;

    const first = (await page('routing.get', {})).value as RoutingView;
    const second = (await page('routing.get', {})).value as RoutingView;
    expect((await page('routing.update', { ...first, cooldownSeconds: 42 })).value).toMatchObject({ version: 1, cooldownSeconds: 42, source: 'app' });
    const stale = await page('routing.update', { ...second, numRetries: 9 });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict', current: { version: 1, cooldownSeconds: 42, numRetries: 2, source: 'app' } } });
    expect((await page('routing.get', {})).value).toMatchObject({ version: 1, numRetries: 2 });
    // Reloaded, the second page's edit goes through.
    expect((await page('routing.update', { ...stale.error.current, numRetries: 9 })).value).toMatchObject({ version: 2, numRetries: 9, cooldownSeconds: 42 });
  });

  it('copy the config file’s settings into the app once', async () => {
    await gateway([entry('m', bench.a, 'x')], 'router_settings:\n  num_retries: 4\n  cooldown_time: 12\n  offline_fallback: m\n');
    expect(await api()['routing.get']({})).toMatchObject({ source: 'config file', offlineFallback: 'm' });
    const copied = await api()['routing.copyFromConfig']({});
    expect(copied).toMatchObject({ source: 'app', version: 1, numRetries: 4, cooldownSeconds: 12, offlineFallback: 'm' });
    await expect(api()['routing.copyFromConfig']({})).rejects.toMatchObject({ code: 'conflict', current: { version: 1 } });
  });
});

describe('model groups made in the app', () => {
  it('rename moves the group, its fallbacks and its aliases', async () => {
    await gateway();
    const [pa, pb] = [await provider(bench.a, 'A'), await provider(bench.b, 'B')];
    await add({ modelName: 'broken', providerId: pa, upstreamModel: 'fail-500' });
    await add({ modelName: 'old', providerId: pb, upstreamModel: 'steady' });
    await saveRouting({ numRetries: 0, fallbacks: { broken: ['old'] }, modelGroupAlias: { nick: { model: 'old', hidden: false } }, offlineFallback: 'old' });

    const renamed = await api()['models.renameGroup']({ from: 'old', to: 'new' });
    expect(renamed).toMatchObject({ name: 'new', source: 'app', aliases: ['nick'], deployments: [{ modelName: 'new', upstreamModel: 'steady', version: 2 }] });
    expect((await chat('old')).status).toBe(404);
    expect((await chat('new')).status).toBe(200);
    expect((await chat('nick')).status).toBe(200);
    expect((await chat('broken')).status).toBe(200); // its fallback followed the rename
    expect(await api()['routing.get']({})).toMatchObject({ version: 2, fallbacks: { broken: ['new'] }, modelGroupAlias: { nick: { model: 'new' } }, offlineFallback: 'new' });
    await expect(api()['models.renameGroup']({ from: 'new', to: 'broken' })).rejects.toMatchObject({ code: 'conflict', param: 'to' });
  });

  it('references list the keys, fallbacks and aliases naming a group; removing it drops them from the settings', async () => {
    await gateway();
    const pa = await provider(bench.a, 'A');
    await add({ modelName: 'grp', providerId: pa, upstreamModel: 'g' });
    await add({ modelName: 'other', providerId: pa, upstreamModel: 'o' });
    const allowed = await api()['keys.create']({ keyAlias: 'allowed', models: ['grp', 'other'] });
    const aliased = await api()['keys.create']({ keyAlias: 'aliased', aliases: { fast: 'grp' } });
    await api()['keys.create']({ keyAlias: 'unrelated', models: ['other'] });
    await saveRouting({ fallbacks: { other: ['grp'] }, defaultFallbacks: ['grp'], modelGroupAlias: { g: { model: 'grp', hidden: true } }, offlineFallback: 'grp' });

    const references = await api()['models.references']({ name: 'grp' });
    expect(references).toEqual({
      keys: [
        { id: allowed.key.id, label: 'allowed' },
        { id: aliased.key.id, label: 'aliased' },
      ],
      fallbacks: ['fallbacks.other', 'defaultFallbacks', 'offlineFallback'],
      aliases: ['g'],
    });

    expect(await api()['models.removeGroup']({ name: 'grp' })).toEqual({ deleted: 1 });
    expect((await chat('grp')).status).toBe(404);
    expect(await api()['routing.get']({})).toMatchObject({ fallbacks: { other: [] }, defaultFallbacks: [], modelGroupAlias: {}, offlineFallback: null });
    expect((await api()['models.groups']({})).map((group) => group.name)).toEqual(['other']);
  });

  it('a config-file group is read-only until copied; the copy is editable and wins over the file', async () => {
    await gateway([entry('cfg', bench.a, 'from-file', '\n      rpm: 50')]);
    const [fromFile] = await api()['models.groups']({});
    expect(fromFile).toMatchObject({ name: 'cfg', source: 'config file', deployments: [{ source: 'config file', inForce: true, readOnly: true, version: 0 }] });
    const fileDeployment = fromFile!.deployments[0]!;
    await expect(api()['models.update']({ id: fileDeployment.id, version: 0, settings: { weight: 2 } })).rejects.toMatchObject({
      code: 'permission',
      message: expect.stringContaining('copy it into the app'),
    });
    await expect(api()['models.renameGroup']({ from: 'cfg', to: 'x' })).rejects.toMatchObject({ code: 'permission' });

    const copy = await api()['models.copyFromConfig']({ name: 'cfg' });
    expect(copy.source).toBe('app');
    expect(copy.deployments.map((d) => [d.source, d.inForce, d.settings.rpm])).toEqual([
      ['app', true, 50],
      ['config file', false, 50],
    ]);
    // Its provider came along with the file's key (shown by its last four characters only).
    expect((await api()['providers.list']({})).filter((p) => !p.readOnly)).toEqual([expect.objectContaining({ family: 'openai', apiBase: `${bench.a.apiBase}`, keyHint: 'file' })]);

    const appDeployment = copy.deployments[0]!;
    await api()['models.update']({ id: appDeployment.id, version: appDeployment.version, upstreamModel: 'edited-in-app' });
    expect((await chat('cfg')).status).toBe(200);
    expect(served(bench.a, 'edited-in-app')).toBe(1);
    expect(served(bench.a, 'from-file')).toBe(0);
    expect(bench.a.requests.at(-1)?.headers.authorization).toBe('Bearer sk-file-from-file');
    await expect(api()['models.copyFromConfig']({ name: 'cfg' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a stale deployment edit is a conflict carrying the deployment as it is', async () => {
    await gateway();
    const pa = await provider(bench.a, 'A');
    const created = await add({ modelName: 'm', providerId: pa, upstreamModel: 'x' });
    await api()['models.update']({ id: created.id, version: created.version, settings: { rpm: 10 } });
    await expect(api()['models.update']({ id: created.id, version: created.version, settings: { rpm: 20 } })).rejects.toMatchObject({
      code: 'conflict',
      current: { id: created.id, version: 2, settings: { rpm: 10 } },
    });
    await expect(api()['models.update']({ id: created.id, version: 2, settings: { rpm: -1 } })).rejects.toMatchObject({ code: 'invalid_request', param: 'settings.rpm' });
  });
});
