import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../electron/store/errors.js';
import { afterMigration, storeAtVersion } from '../../helpers/store.js';

describe('schema version 4', () => {
  it('drops the deployments a version-3 store kept for deleted providers, keeps the rest, and enforces the provider from then on', async () => {
    // Version 3 ran without foreign keys: deleting a provider could leave its deployment behind.
    const dir = await storeAtVersion(3, (db) => {
      db.run("INSERT INTO providers (id, name, family, created_at, updated_at) VALUES ('prov_a', 'OpenAI', 'openai', 1, 1)");
      db.run("INSERT INTO deployments (id, model_name, provider_id, upstream_model, created_at, updated_at) VALUES ('dep_kept', 'gpt', 'prov_a', 'gpt-4o', 2, 2)");
      db.run("INSERT INTO deployments (id, model_name, provider_id, upstream_model, created_at, updated_at) VALUES ('dep_orphan', 'old', 'prov_gone', 'x', 3, 3)");
    });

    await afterMigration(dir, async (store) => {
      expect((await store.deployments.list()).map((d) => d.id)).toEqual(['dep_kept']);
      expect(store.database.all('PRAGMA foreign_key_check')).toEqual([]);
      await expect(store.deployments.create({ id: 'dep_new', modelName: 'old', providerId: 'prov_gone', upstreamModel: 'x', createdAt: 4 })).rejects.toBeInstanceOf(NotFoundError);
      await store.providers.delete('prov_a');
      expect(await store.deployments.list()).toEqual([]);
    });
  });
});
