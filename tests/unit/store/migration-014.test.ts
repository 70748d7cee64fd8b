import { describe, expect, it } from 'vitest';
import { afterMigration, storeAtVersion } from '../../helpers/store.js';

describe('schema version 14', () => {
  it('adds the web search provider row to a version-13 store: none until saved, then saved like any setting', async () => {
    const dir = await storeAtVersion(13);
    await afterMigration(dir, async (store) => {
      expect(await store.searchSettings.get()).toBeNull();
      expect(await store.searchSettings.save({ kind: 'searxng', url: 'http://127.0.0.1:8080' }, 0, 1)).toMatchObject({ kind: 'searxng', version: 1 });
    });
  });
});
