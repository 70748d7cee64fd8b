import { describe, expect, it } from 'vitest';
import { afterMigration, storeAtVersion } from '../../helpers/store.js';

describe('schema version 19', () => {
  it('keeps a version-18 provider with its one key, and adds keys to its pool from then on', async () => {
    const dir = await storeAtVersion(18, (db) => {
      db.run("INSERT INTO providers (id, name, family, api_base, created_at, updated_at, version) VALUES ('prov_a', 'Cloud', 'openai', 'https://api.openai.com/v1', 1, 1, 3)");
    });
    await afterMigration(dir, async (store) => {
      expect(await store.providers.list()).toEqual([expect.objectContaining({ id: 'prov_a', keyHint: null, keyHints: [], version: 3 })]);
      const pooled = await store.providers.update('prov_a', { name: 'Cloud', family: 'openai', apiBase: 'https://api.openai.com/v1', apiKey: 'sk-one-1111', moreKeys: ['sk-two-2222'] }, 3, 2);
      expect(pooled).toMatchObject({ keyHints: ['1111', '2222'], version: 4 });
      expect(await store.providers.revealKeys('prov_a')).toEqual(['sk-one-1111', 'sk-two-2222']);
    });
  });
});
