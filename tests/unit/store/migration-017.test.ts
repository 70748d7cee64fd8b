import { describe, expect, it } from 'vitest';
import { afterMigration, storeAtVersion } from '../../helpers/store.js';

describe('schema version 17', () => {
  it('keeps version-16 providers following the environment (no proxy of their own), and saves a proxy from then on', async () => {
    const dir = await storeAtVersion(16, (db) => {
      db.run("INSERT INTO providers (id, name, family, api_base, created_at, updated_at, version) VALUES ('prov_a', 'Cloud', 'openai', 'https://api.openai.com/v1', 1, 1, 3)");
    });
    await afterMigration(dir, async (store) => {
      expect(await store.providers.list()).toEqual([expect.objectContaining({ id: 'prov_a', name: 'Cloud', proxy: null, version: 3 })]);
      const updated = await store.providers.update('prov_a', { name: 'Cloud', family: 'openai', apiBase: 'https://api.openai.com/v1', proxy: 'socks5://127.0.0.1:1080' }, 3, 2);
      expect(updated).toMatchObject({ proxy: 'socks5://127.0.0.1:1080', version: 4 });
      // An update that leaves the proxy out keeps it.
      expect(await store.providers.update('prov_a', { name: 'Renamed', family: 'openai', apiBase: 'https://api.openai.com/v1' }, 4, 3)).toMatchObject({ name: 'Renamed', proxy: 'socks5://127.0.0.1:1080' });
    });
  });
});
