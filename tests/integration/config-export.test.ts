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
});
