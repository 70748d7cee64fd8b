import { describe, expect, it } from 'vitest';
import type { RoutingSettings } from '../../../shared/api.js';
import { settingSaveRaces } from '../../helpers/races.js';
import { expectEveryMethodRan, STORE_KINDS } from '../../helpers/stores.js';

/** Every routing setting away from its default, so a column the map misses shows up. */
function everySetting(n: number): RoutingSettings {
  return {
    strategy: 'least-busy',
    numRetries: 3 + n,
    retryAfterSeconds: 1.5 + n,
    timeoutSeconds: 30 + n,
    streamTimeoutSeconds: 4 + n,
    allowedFails: 2 + n,
    cooldownSeconds: 60 + n,
    fallbacks: { gpt: ['claude', 'dep_x'] },
    contextWindowFallbacks: { gpt: [`big-${n}`] },
    contentPolicyFallbacks: { gpt: ['lenient'] },
    defaultFallbacks: ['claude'],
    maxFallbacks: 2 + n,
    modelGroupAlias: { fast: { model: 'gpt', hidden: true } },
    cache: { enabled: true, ttlSeconds: 30 + n, maxEntries: 50 + n },
    dropParams: true,
    offlineFallback: `local-${n}`,
    routes: [{ name: `bg-${n}`, when: [{ kind: 'background' }, { kind: 'header', name: 'x-team', op: 'equals', value: 'a' }], to: 'claude', enabled: n % 2 === 0 }],
  };
}

describe.each(STORE_KINDS)('routing settings repository ($name)', (kind) => {
  it('is empty until saved, keeps every setting through a reopen (sql.js: a journal replay), and bumps the version on each save', async () => {
    const { store, reopen } = await kind.open();
    let heard = 0;
    store.routing.onChange(() => heard++);
    expect(await store.routing.get()).toBeNull();
    const first = await store.routing.save(everySetting(1), 0, 100);
    expect(heard).toBe(1);
    expect(first).toMatchObject({ ...everySetting(1), version: 1, createdAt: 100 });
    const second = await store.routing.save(everySetting(2), 1, 200);
    expect(second).toMatchObject({ ...everySetting(2), version: 2, createdAt: 100, updatedAt: 200 });
    const reopened = await reopen();
    expect(await reopened.routing.get()).toEqual(second);
    await reopened.close();
  });

  it('answers a stale save, and a second first save, with a conflict carrying the row as it is', async () => {
    const { store } = await kind.open();
    // Either save may win (PostgreSQL runs them at once); the loser carries the winner's row.
    const { won, staleCurrent } = await settingSaveRaces((n, version, at) => store.routing.save(everySetting(n), version, at));
    expect(won).toMatchObject({ version: 1 });
    expect(staleCurrent).toMatchObject({ timeoutSeconds: 33, version: 2 });
    expect((await store.routing.get())?.timeoutSeconds).toBe(33);
    await store.close();
  });

  it('renames a group in its deployments and the stored settings in one write, and tells both kinds of listener', async () => {
    const { store } = await kind.open();
    await store.providers.create('prov_a', { name: 'A', family: 'openai', apiBase: null, apiKey: 'sk-a' }, 1);
    await store.deployments.create({ id: 'dep_1', modelName: 'gpt', providerId: 'prov_a', upstreamModel: 'gpt-4o', createdAt: 1 });
    await store.deployments.create({ id: 'dep_2', modelName: 'gpt', providerId: 'prov_a', upstreamModel: 'gpt-4o-mini', createdAt: 2, weight: 3 });
    await store.routing.save(everySetting(0), 0, 1);
    const heard: string[] = [];
    store.deployments.onChange(() => heard.push('deployments'));
    store.routing.onChange(() => heard.push('routing'));

    const moved = await store.deployments.renameGroup('gpt', 'chat', 5, (settings) => ({ ...settings, defaultFallbacks: ['renamed'] }));
    expect(moved).toBe(2);
    expect((await store.deployments.list()).map((d) => [d.id, d.modelName, d.version, d.weight])).toEqual([
      ['dep_1', 'chat', 2, null],
      ['dep_2', 'chat', 2, 3],
    ]);
    expect(await store.routing.get()).toMatchObject({ defaultFallbacks: ['renamed'], version: 2 });
    expect(heard.sort()).toEqual(['deployments', 'routing']);

    expect(await store.deployments.deleteGroup('chat', 6, null)).toBe(2);
    expect(await store.deployments.list()).toEqual([]);
    expect((await store.routing.get())?.version).toBe(2);
    await store.close();
  });
});

describe('the routing repository suite', () => {
  it('runs every RoutingRepository method on both stores', () => expectEveryMethodRan('routing'));
});
