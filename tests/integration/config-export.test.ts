// Export writes the routing in force, every setting of it: a config exported from one gateway
// and started in another routes as the first did, whether the settings were saved in the app
// (routes, fallbacks, aliases, the cache, the offline fallback) or read from the config file.
import { afterEach, describe, expect, it } from 'vitest';
import type { RoutingSettings, RoutingView } from '../../shared/api.js';
import { parseConfigText } from '../../electron/config/index.js';
import { modelEntry, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const MODELS = ['a', 'b', 'c'].map((name) => modelEntry(name, { model: `openai/${name}-upstream`, api_base: 'http://127.0.0.1:9/v1', api_key: 'sk-up' })).join('');

/** Every setting away from its default, so a setting the export leaves out cannot read back the same. */
const EVERY_SETTING: RoutingSettings = {
  strategy: 'least-busy',
  numRetries: 4,
  retryAfterSeconds: 2,
  timeoutSeconds: 90,
  streamTimeoutSeconds: 15,
  allowedFails: 7,
  cooldownSeconds: 45,
  fallbacks: { a: ['b', 'c'] },
  contextWindowFallbacks: { a: ['c'] },
  contentPolicyFallbacks: { b: ['a'] },
  defaultFallbacks: ['c'],
  maxFallbacks: 3,
  modelGroupAlias: { fast: { model: 'a', hidden: false }, quiet: { model: 'b', hidden: true } },
  cache: { enabled: true, ttlSeconds: 120, maxEntries: 50 },
  dropParams: true,
  routes: [
    { name: 'bg', when: [{ kind: 'background' }], to: 'b', enabled: true },
    { name: 'team', when: [{ kind: 'header', name: 'x-team', op: 'equals', value: 'blue' }], to: 'c', enabled: false },
  ],
  offlineFallback: 'c',
};

function settingsOf(view: RoutingView): RoutingSettings {
  const { version: _version, source: _source, configFileHasSettings: _file, ...settings } = view;
  return settings;
}

const started: TestGateway[] = [];
async function gateway(yaml: string): Promise<TestGateway> {
  const gw = await startTestGateway(yaml);
  started.push(gw);
  return gw;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((gw) => gw.close()));
});

describe('config export', () => {
  it("writes the app's routing settings, every one, and a gateway started from it routes the same", async () => {
    const first = await gateway(`model_list:${MODELS}\n`);
    const api = first.app.api;
    const { version } = await api['routing.get']({});
    await api['routing.update']({ ...EVERY_SETTING, version });
    const { yaml } = await api['config.export']({});

    const second = await gateway(yaml);
    const view = await second.app.api['routing.get']({});
    expect(view.source).toBe('config file');
    expect(settingsOf(view)).toEqual(EVERY_SETTING);
  });

  it("keeps the file's own offline probe timing, and leaves out what the file would read the same without", async () => {
    const first = await gateway(`model_list:${MODELS}\nrouter_settings:\n  offline_fallback: { model: c, probe_interval: 5, min_state_seconds: 12 }\n`);
    const { yaml } = await first.app.api['config.export']({});
    const exported = parseConfigText(yaml, { env: {} });
    expect(exported.offlineFallback).toEqual({ group: 'c', probeIntervalMs: 5_000, minStateMs: 12_000 });
    // Defaults elsewhere: no empty fallback lists, no routes, no cache parameters for a cache that is off.
    expect(yaml).not.toMatch(/fallbacks:\s*\[\]|routes:|cache_params|stream_timeout/);
    expect(settingsOf(await (await gateway(yaml)).app.api['routing.get']({}))).toEqual(settingsOf(await first.app.api['routing.get']({})));
  });

  it("writes each deployment in force with its own settings, the app's over the file's of the same group, and leaves a disabled one out", async () => {
    const file = [
      modelEntry(
        'a',
        {
          model: 'openai/a-upstream',
          api_base: 'http://127.0.0.1:9/v1',
          api_key: 'sk-up',
          rpm: '30',
          weight: '3',
          order: '2',
          timeout: '20',
          input_cost_per_token: '0.000002',
          drop_params: 'true',
          proxy: 'direct',
        },
        { id: 'a-main' },
      ),
      modelEntry('b', { model: 'openai/b-file', api_base: 'http://127.0.0.1:9/v1', api_key: 'sk-up' }),
      // Two upstreams of one group, each with its own key variable; one behind a proxy with a password.
      modelEntry('d', { model: 'openai/d-eu', api_base: 'http://127.0.0.1:9/v1', api_key: 'os.environ/EU_KEY', proxy: 'http://user:proxy-pass@127.0.0.1:3128' }),
      modelEntry('d', { model: 'openai/d-ca', api_base: 'http://127.0.0.1:8/v1', api_key: 'os.environ/CA_KEY' }),
    ].join('');
    const first = await gateway(`model_list:${file}\n`);
    const api = first.app.api;
    const provider = await api['providers.create']({ name: 'Team Cloud', family: 'openai', apiBase: 'http://127.0.0.1:9/v1', apiKey: 'sk-app-1234' });
    const b = await api['models.add']({ modelName: 'b', providerId: provider.id, upstreamModel: 'b-app' });
    await api['models.update']({ id: b.id, version: b.version, settings: { weight: 5, tpm: 1000, timeoutSeconds: 12, outputCostPerToken: 0.00001 } });
    const off = await api['models.add']({ modelName: 'c', providerId: provider.id, upstreamModel: 'c-app' });
    await api['models.update']({ id: off.id, version: off.version, settings: { enabled: false } });

    const { yaml } = await api['config.export']({});
    expect(yaml).not.toContain('sk-app-1234');
    expect(yaml).not.toMatch(/sk-up|proxy-pass/);
    const env = { TEAM_CLOUD_API_KEY: 'sk-app-1234', A_MAIN_API_KEY: 'sk-up', EU_KEY: 'sk-eu', CA_KEY: 'sk-ca', D_2_PROXY: 'http://user:proxy-pass@127.0.0.1:3128' };
    const exported = parseConfigText(yaml, { env });
    const byGroup = (name: string) => exported.deployments.filter((d) => d.modelName === name);
    // The file's own variables are written back, each deployment's to it; a key or a password written out gets a variable of that deployment's.
    expect(byGroup('d')).toEqual([
      expect.objectContaining({ upstreamModel: 'd-eu', apiKey: 'sk-eu', proxy: 'http://user:proxy-pass@127.0.0.1:3128' }),
      expect.objectContaining({ upstreamModel: 'd-ca', apiKey: 'sk-ca' }),
    ]);
    expect(byGroup('a')).toEqual([
      expect.objectContaining({ id: 'a-main', upstreamModel: 'a-upstream', apiKey: 'sk-up', rpm: 30, weight: 3, order: 2, timeoutMs: 20_000, inputCostPerToken: 0.000002, dropParams: true, proxy: 'direct' }),
    ]);
    // The app's b is the one in force; the file's b was not routed, and a disabled c serves nothing.
    expect(byGroup('b')).toEqual([expect.objectContaining({ upstreamModel: 'b-app', apiKey: 'sk-app-1234', weight: 5, tpm: 1000, timeoutMs: 12_000, outputCostPerToken: 0.00001 })]);
    expect(byGroup('c')).toEqual([]);
  });

  it('writes the MCP servers and the web search provider in force, secrets as environment references, and an import of it reads the rest without them', async () => {
    const first = await gateway(`model_list:${MODELS}\nmcp_servers:\n  files:\n    command: node\n    args: ['-e', '']\n    env: { TOKEN: file-secret-1 }\n  docs:\n    url: http://127.0.0.1:9/mcp\n`);
    const api = first.app.api;
    await api['mcp.create']({ name: 'docs', kind: 'http', url: 'http://127.0.0.1:9/app-mcp', headers: [{ name: 'Authorization', value: 'Bearer app-secret-2' }], enabled: false });
    await api['mcp.create']({ name: 'github', kind: 'stdio', command: 'node', args: ['-e', ''], env: [{ name: 'GITHUB_TOKEN', value: 'app-secret-3' }], idleSeconds: 0 });
    await api['search.update']({ kind: 'brave', url: null, apiKey: 'brave-secret-4', version: 0 });

    const { yaml } = await api['config.export']({});
    expect(yaml).not.toMatch(/secret-\d/);
    // Each server's secrets in variables of its own (two servers' TOKEN never share one).
    const env = { FILES_TOKEN: 'from-env-1', DOCS_AUTHORIZATION: 'Bearer from-env-2', GITHUB_TOKEN: 'from-env-3', BRAVE_API_KEY: 'from-env-4' };
    const exported = parseConfigText(yaml, { env });
    // The app's docs server shadows the file's and is disabled, so it is written as such and not served.
    expect(yaml).toMatch(/docs:\s+type: http\s+url: http:\/\/127\.0\.0\.1:9\/app-mcp\s+headers:\s+Authorization: os\.environ\/DOCS_AUTHORIZATION\s+disabled: true/);
    expect(exported.mcpServers).toEqual([
      expect.objectContaining({ name: 'github', kind: 'stdio', command: 'node', args: ['-e', ''], env: { GITHUB_TOKEN: 'from-env-3' }, idleMs: null }),
      expect.objectContaining({ name: 'files', kind: 'stdio', env: { TOKEN: 'from-env-1' } }),
    ]);
    expect(exported.webSearch).toEqual({ kind: 'brave', url: null, apiKey: 'from-env-4' });

    // Importing the export here (none of those variables set) reads its models and routing and says what it leaves.
    const preview = await api['config.previewImport']({ yaml });
    expect(preview.skipped).toEqual(expect.arrayContaining([expect.stringMatching(/^search_tools \(/), expect.stringMatching(/^mcp_servers \(/)]));
  });
});
