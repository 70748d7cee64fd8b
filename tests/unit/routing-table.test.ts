// The gateway's routing table: one Router for its whole life, rebuilt from the store once per
// change however many parts of the app ask for it.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../electron/config/index.js';
import type { DeploymentConfig } from '../../electron/core/deployment.js';
import { RoutingTable } from '../../electron/gateway/inference/routing-table.js';
import { mergeRouting, type EffectiveRouting } from '../../electron/services/effective-routing.js';
import { defaultDeploymentSettings } from '../../electron/store/deployments.js';

const config = parseConfigText(
  `model_list:
  - model_name: from-config
    litellm_params:
      model: openai/base
      api_base: http://127.0.0.1:9/v1
`,
  { env: {} },
);

/** Deployments as the store would hand them over, one per model name. */
function stored(...names: string[]): DeploymentConfig[] {
  const list = names.map((name) => `\n  - model_name: ${name}\n    litellm_params:\n      model: openai/${name}\n      api_base: http://127.0.0.1:9/v1\n    model_info:\n      id: dep_${name}`);
  return parseConfigText(`model_list:${list.join('')}`, { env: {} }).deployments;
}

/** A store whose reads can be held open, counting each read. */
function fakeStore(initial: DeploymentConfig[]) {
  const store = { current: initial, reads: 0, hold: null as Promise<void> | null };
  const load = async (): Promise<EffectiveRouting> => {
    store.reads++;
    const snapshot = store.current;
    await store.hold;
    return mergeRouting(config, { routing: null, deployments: snapshot.map((base) => ({ base, settings: defaultDeploymentSettings() })) });
  };
  return { store, load };
}

describe('routing table', () => {
  it('answers the change event and the API refresh after one write with one rebuild', async () => {
    const { store, load } = fakeStore(stored('first'));
    const table = await RoutingTable.load({}, load);
    const router = table.router;
    store.current = stored('first', 'second');
    // What a models.add does: the store's change event fires, then the service refreshes.
    const fromEvent = table.refresh();
    await Promise.resolve();
    await table.refresh();
    await fromEvent;
    expect(store.reads).toBe(2); // start-up, then one rebuild
    expect(table.router).toBe(router);
    expect(table.router.modelNames()).toEqual(['from-config', 'first', 'second']);
    expect((JSON.parse(table.models.modelsBody) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(['from-config', 'first', 'second']);
    expect(table.configured.has('second')).toBe(true);
  });

  it('rebuilds again for a change made while a rebuild was already reading', async () => {
    const { store, load } = fakeStore([]);
    const table = await RoutingTable.load({}, load);
    let release!: () => void;
    store.hold = new Promise((resolve) => (release = resolve));
    store.current = stored('early');
    const first = table.refresh();
    while (store.reads < 2) await nextTurn();
    store.current = stored('early', 'late');
    const second = table.refresh();
    release();
    await Promise.all([first, second]);
    expect(store.reads).toBe(3);
    expect(table.router.modelNames()).toEqual(['from-config', 'early', 'late']);
  });
});
