import { describe, expect, it } from 'vitest';
import { freshStore } from '../../helpers/store.js';

describe('schema version 3', () => {
  it('keeps GUI deployments on stored providers, and drops them with their provider', async () => {
    const { store } = await freshStore();
    try {
      expect(store.database.get<{ user_version: number }>('PRAGMA user_version')?.user_version).toBe(3);
      await store.providers.create('prov_a', { name: 'Local', family: 'ollama', apiBase: 'http://127.0.0.1:11434/v1', apiKey: null }, 1);
      await store.deployments.create({ id: 'dep_1', modelName: 'llama', providerId: 'prov_a', upstreamModel: 'llama3.2', createdAt: 2 });
      expect(await store.deployments.list()).toEqual([expect.objectContaining({ id: 'dep_1', modelName: 'llama', upstreamModel: 'llama3.2', version: 1 })]);
      expect(await store.deployments.deleteForProvider('prov_a')).toBe(1);
      expect(await store.deployments.list()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
