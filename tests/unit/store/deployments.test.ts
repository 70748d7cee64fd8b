import { describe, expect, it } from 'vitest';
import type { RoutingSettings } from '../../../shared/api.js';
import { ConflictError, NotFoundError } from '../../../electron/store/errors.js';
import type { Store } from '../../../electron/store/index.js';
import { freshStore, leaveAsCrashed, routingSettings, storedDeployment } from '../../helpers/store.js';
import { expectEveryMethodRan, STORE_KINDS } from '../../helpers/stores.js';

async function withProviders(store: Store, ...ids: string[]): Promise<void> {
  for (const id of ids) await store.providers.create(id, { name: id, family: 'openai', apiBase: null, apiKey: null }, 1);
}

const ROUTING = routingSettings({ fallbacks: { gpt: ['claude'] } });

/** A group `gpt` of one deployment (and `other` as dep_2, if named), and routing settings saved, so that a rename reads and rewrites them. */
async function gptGroup(store: Store, other?: { modelName: string; upstreamModel: string }): Promise<void> {
  await withProviders(store, 'prov_a');
  await store.deployments.create({ id: 'dep_1', modelName: 'gpt', providerId: 'prov_a', upstreamModel: 'gpt-4o', createdAt: 1 });
  if (other) await store.deployments.create({ id: 'dep_2', providerId: 'prov_a', createdAt: 2, ...other });
  await store.routing.save(ROUTING, 0, 1);
}

const failingRewrite = (): RoutingSettings => {
  throw new Error('rewrite failed');
};

/** Drops `name` from the fallbacks, as removing a deployment's group does. */
const withoutFallback = (name: string) => (settings: RoutingSettings) => ({ ...settings, fallbacks: Object.fromEntries(Object.entries(settings.fallbacks).filter(([group]) => group !== name)) });

describe.each(STORE_KINDS)('deployment repository ($name)', (kind) => {
  it('creates with the routing defaults for what it leaves out, reads one and all in order, through a reopen', async () => {
    const { store, reopen } = await kind.open();
    await withProviders(store, 'prov_a');
    const created = await store.deployments.create({ id: 'dep_2', modelName: 'gpt', providerId: 'prov_a', upstreamModel: 'gpt-4o', createdAt: 5, weight: 2, dropParams: true });
    expect(created).toEqual(storedDeployment({ id: 'dep_2', modelName: 'gpt', providerId: 'prov_a', upstreamModel: 'gpt-4o', weight: 2, dropParams: true, createdAt: 5, updatedAt: 5, version: 1 }));
    await store.deployments.create({ id: 'dep_1', modelName: 'gpt', providerId: 'prov_a', upstreamModel: 'gpt-4o-mini', createdAt: 4, enabled: false });
    await store.deployments.create({ id: 'dep_0', modelName: 'claude', providerId: 'prov_a', upstreamModel: 'claude-x', createdAt: 9 });
    expect((await store.deployments.list()).map((d) => d.id)).toEqual(['dep_0', 'dep_1', 'dep_2']);
    expect(await store.deployments.get('dep_2')).toEqual(created);
    expect(await store.deployments.get('dep_missing')).toBeNull();
    const reopened = await reopen();
    expect(await reopened.deployments.get('dep_1')).toMatchObject({ enabled: false, upstreamModel: 'gpt-4o-mini' });
    await reopened.close();
  });

  it('edits at the version read; a stale version is a conflict carrying the current row, a missing provider or deployment is not found', async () => {
    const { store } = await kind.open();
    await withProviders(store, 'prov_a', 'prov_b');
    const created = await store.deployments.create({ id: 'dep_1', modelName: 'gpt', providerId: 'prov_a', upstreamModel: 'gpt-4o', createdAt: 1, rpm: 10 });
    const heard: number[] = [];
    store.deployments.onChange(() => heard.push(1));
    const moved = await store.deployments.update('dep_1', { providerId: 'prov_b', tpm: 500, inputCostPerToken: 0.001 }, created.version, 7);
    expect(moved).toMatchObject({ providerId: 'prov_b', rpm: 10, tpm: 500, inputCostPerToken: 0.001, createdAt: 1, updatedAt: 7, version: 2 });
    expect(heard).toHaveLength(1);

    const stale = store.deployments.update('dep_1', { rpm: 1 }, created.version, 8);
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ current: moved });
    await expect(store.deployments.update('dep_1', { providerId: 'prov_missing' }, undefined, 9)).rejects.toMatchObject({ code: 'not_found', message: 'No provider with id prov_missing.' });
    await expect(store.deployments.update('dep_missing', { rpm: 1 }, undefined, 9)).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.deployments.get('dep_1')).toEqual(moved);
    // Anything-goes (undefined) writes over whatever version is there.
    expect(await store.deployments.update('dep_1', { enabled: false }, undefined, 10)).toMatchObject({ enabled: false, version: 3 });
    expect(heard).toHaveLength(2);
  });

  it('deletes one deployment, rewriting the stored routing in the same write when asked; a missing one changes nothing', async () => {
    const { store } = await kind.open();
    await gptGroup(store, { modelName: 'claude', upstreamModel: 'claude-x' });
    const heard: string[] = [];
    store.deployments.onChange(() => heard.push('deployments'));
    store.routing.onChange(() => heard.push('routing'));

    expect(await store.deployments.delete('dep_1', { rewrite: withoutFallback('gpt'), now: 3 })).toBe(true);
    expect(await store.routing.get()).toMatchObject({ fallbacks: {}, version: 2, updatedAt: 3 });
    expect(heard.sort()).toEqual(['deployments', 'routing']);
    expect(await store.deployments.delete('dep_1', { rewrite: withoutFallback('gpt'), now: 4 })).toBe(false);
    expect(await store.deployments.delete('dep_2')).toBe(true);
    expect((await store.routing.get())?.version).toBe(2);
    expect(heard).toHaveLength(3);
    expect(await store.deployments.list()).toEqual([]);
  });

  it('renames and removes groups: a rewrite that changes nothing leaves the routing row and its listeners alone', async () => {
    const { store } = await kind.open();
    await gptGroup(store, { modelName: 'other', upstreamModel: 'x' });
    let routingHeard = 0;
    store.routing.onChange(() => routingHeard++);
    expect(await store.deployments.renameGroup('gpt', 'chat', 5, (settings) => settings)).toBe(1);
    expect(await store.deployments.renameGroup('nothing', 'x', 5, withoutFallback('gpt'))).toBe(0);
    expect(routingHeard).toBe(0);
    expect((await store.routing.get())?.version).toBe(1);
    expect(await store.deployments.get('dep_1')).toMatchObject({ modelName: 'chat', version: 2, updatedAt: 5 });
    expect(await store.deployments.deleteGroup('chat', 6, withoutFallback('gpt'))).toBe(1);
    expect(await store.routing.get()).toMatchObject({ fallbacks: {}, version: 2 });
    expect(routingHeard).toBe(1);
    expect((await store.deployments.list()).map((d) => d.id)).toEqual(['dep_2']);
  });
});

describe.each(STORE_KINDS)('a write that fails half way ($name)', (kind) => {
  it('leaves nothing behind, and a read asked for meanwhile never sees its first half', async () => {
    const { store } = await kind.open();
    await gptGroup(store);
    // The rename moves the deployment, then fails rewriting the routing settings: all of it rolls back.
    const renaming = store.deployments.renameGroup('gpt', 'chat', 5, failingRewrite);
    const listed = store.deployments.list();
    await expect(renaming).rejects.toThrow('rewrite failed');
    expect((await listed).map((d) => [d.modelName, d.version])).toEqual([['gpt', 1]]);
    expect(await store.deployments.get('dep_1')).toMatchObject({ modelName: 'gpt', version: 1 });
  });
});

describe('a write that fails half way (sql.js snapshot)', () => {
  it('is not in a snapshot asked for while it ran, after a crash either', async () => {
    const { store, dir } = await freshStore();
    await gptGroup(store);
    const renaming = store.deployments.renameGroup('gpt', 'chat', 5, failingRewrite);
    const snapshot = store.database.snapshot();
    await expect(renaming).rejects.toThrow('rewrite failed');
    await snapshot;
    await leaveAsCrashed(dir);
    const reopened = (await freshStore(dir)).store;
    try {
      expect((await reopened.deployments.list()).map((d) => [d.modelName, d.version])).toEqual([['gpt', 1]]);
    } finally {
      await reopened.close();
    }
  });
});

describe('the deployment repository suite', () => {
  it('runs every DeploymentRepository method on both stores', () => expectEveryMethodRan('deployments'));
});
