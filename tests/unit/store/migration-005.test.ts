import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../electron/store/errors.js';
import { afterMigration, storeAtVersion, storedDeployment } from '../../helpers/store.js';

describe('schema version 5', () => {
  it('gives a version-4 deployment default routing settings, starts with no routing row, and versions both from then on', async () => {
    const dir = await storeAtVersion(4, (db) => {
      db.run("INSERT INTO providers (id, name, family, created_at, updated_at) VALUES ('prov_a', 'OpenAI', 'openai', 1, 1)");
      db.run("INSERT INTO deployments (id, model_name, provider_id, upstream_model, created_at, updated_at, version) VALUES ('dep_a', 'gpt', 'prov_a', 'gpt-4o', 2, 2, 3)");
    });

    await afterMigration(dir, async (store) => {
      // Enabled, every other setting the routing default; the row keeps its version.
      expect(await store.deployments.get('dep_a')).toEqual(storedDeployment({ id: 'dep_a', modelName: 'gpt', providerId: 'prov_a', upstreamModel: 'gpt-4o', createdAt: 2, updatedAt: 2, version: 3 }));
      expect(await store.routing.get()).toBeNull();

      const edited = await store.deployments.update('dep_a', { weight: 2, order: 1, enabled: false, dropParams: true }, 3, 10);
      expect(edited).toMatchObject({ weight: 2, order: 1, enabled: false, dropParams: true, version: 4, updatedAt: 10 });
      await expect(store.deployments.update('dep_a', { weight: 5 }, 3, 11)).rejects.toBeInstanceOf(ConflictError);
      expect((await store.deployments.get('dep_a'))?.weight).toBe(2);
    });
  });
});
