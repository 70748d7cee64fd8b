import { describe, expect, it } from 'vitest';
import { afterMigration, storeAtVersion } from '../../helpers/store.js';

describe('schema version 3', () => {
  it('lets a version-2 store put GUI deployments on the providers it already has, and drops them with their provider', async () => {
    // A provider and a key with aliases as version 2 wrote them; no deployments table yet.
    const dir = await storeAtVersion(2, (db) => {
      db.run("INSERT INTO providers (id, name, family, api_base, created_at, updated_at) VALUES ('prov_a', 'Local', 'ollama', 'http://127.0.0.1:11434/v1', 1, 1)");
      db.run(`INSERT INTO virtual_keys (id, key_hash, key_prefix, aliases, created_at, updated_at) VALUES ('key_a', 'hash', 'sk-lg-abcd', '{"llama":"llama3.2"}', 1, 1)`);
    });

    await afterMigration(dir, async (store) => {
      expect(await store.providers.list()).toEqual([expect.objectContaining({ id: 'prov_a', name: 'Local', apiBase: 'http://127.0.0.1:11434/v1', keyHint: null, version: 1 })]);
      expect((await store.keys.findById('key_a'))?.aliases).toEqual({ llama: 'llama3.2' });

      await store.deployments.create({ id: 'dep_1', modelName: 'llama', providerId: 'prov_a', upstreamModel: 'llama3.2', createdAt: 2 });
      expect(await store.deployments.list()).toEqual([expect.objectContaining({ id: 'dep_1', modelName: 'llama', providerId: 'prov_a', upstreamModel: 'llama3.2', createdAt: 2, updatedAt: 2, version: 1 })]);
      expect(await store.providers.delete('prov_a')).toBe(true);
      expect(await store.deployments.list()).toEqual([]);
    });
  });
});
