import { describe, expect, it } from 'vitest';
import type { Store } from '../../../electron/store/index.js';
import { freshStore, leaveAsCrashed } from '../../helpers/store.js';
import { STORE_KINDS } from '../../helpers/stores.js';

async function providerWithDeployments(store: Store, providerId: string, count: number): Promise<void> {
  await store.providers.create(providerId, { name: providerId, family: 'openai', apiBase: null, apiKey: null }, 1);
  for (let i = 0; i < count; i++) {
    await store.deployments.create({ id: `${providerId}_dep${i}`, modelName: `m${i}`, providerId, upstreamModel: 'gpt-4o', createdAt: 2 + i });
  }
}

describe.each(STORE_KINDS)('deployments belong to their provider (foreign key, $name)', (kind) => {
  it('deletes a provider together with its deployments, and tells the deployment listeners', async () => {
    const { store } = await kind.open();
    try {
      await providerWithDeployments(store, 'prov_a', 2);
      await providerWithDeployments(store, 'prov_b', 1);
      let heard = 0;
      store.deployments.onChange(() => heard++);
      expect(await store.providers.delete('prov_a')).toBe(true);
      expect((await store.deployments.list()).map((d) => d.id)).toEqual(['prov_b_dep0']);
      expect(heard).toBe(1);
      // A provider with nothing on it changes no deployment, so nobody is told.
      await store.providers.create('prov_c', { name: 'c', family: 'openai', apiBase: null, apiKey: null }, 3);
      await store.providers.delete('prov_c');
      expect(heard).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('refuses a deployment naming a provider that does not exist, and writes nothing', async () => {
    const { store } = await kind.open();
    try {
      await expect(store.deployments.create({ id: 'dep_x', modelName: 'x', providerId: 'prov_missing', upstreamModel: 'x', createdAt: 1 })).rejects.toMatchObject({
        code: 'not_found',
        message: 'No provider with id prov_missing.',
      });
      expect(await store.deployments.list()).toEqual([]);
      await providerWithDeployments(store, 'prov_a', 1);
      expect((await store.deployments.list()).map((d) => d.id)).toEqual(['prov_a_dep0']);
    } finally {
      await store.close();
    }
  });
});

describe('deployments belong to their provider (sql.js durability)', () => {
  it('keeps enforcing after a snapshot and a reopen, and replays a cascade from the journal after a crash', async () => {
    const { store, dir } = await freshStore();
    await providerWithDeployments(store, 'prov_a', 2);
    await store.database.snapshot();
    await expect(store.deployments.create({ id: 'dep_x', modelName: 'x', providerId: 'prov_missing', upstreamModel: 'x', createdAt: 1 })).rejects.toMatchObject({
      code: 'not_found',
    });
    // Only the journal holds this delete; the snapshot still has both deployments.
    await store.providers.delete('prov_a');
    await leaveAsCrashed(dir);

    const reopened = (await freshStore(dir)).store;
    try {
      expect(await reopened.providers.list()).toEqual([]);
      expect(await reopened.deployments.list()).toEqual([]);
      await expect(reopened.deployments.create({ id: 'dep_y', modelName: 'y', providerId: 'prov_a', upstreamModel: 'y', createdAt: 1 })).rejects.toMatchObject({
        code: 'not_found',
      });
    } finally {
      await reopened.close();
    }
  });
});
