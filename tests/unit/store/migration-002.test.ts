import { describe, expect, it } from 'vitest';
import { afterMigration, storeAtVersion } from '../../helpers/store.js';

describe('schema version 2', () => {
  it('adds per-key aliases to a version-1 store, keeping its keys, their settings and counters', async () => {
    // A key as version 1 wrote it: no aliases column yet.
    const dir = await storeAtVersion(1, (db) => {
      db.run(
        `INSERT INTO virtual_keys (id, key_hash, key_prefix, key_alias, models, rpm_limit, blocked, metadata, created_at, updated_at, total_requests, spend)
         VALUES ('key_old', 'hash', 'sk-lg-abcd', 'ci', '["gpt-4o"]', 60, 1, '{"team":"core"}', 1, 1, 7, 1.5)`,
      );
    });

    await afterMigration(dir, async (store) => {
      const old = (await store.keys.findById('key_old'))!;
      expect(old).toMatchObject({
        keyAlias: 'ci',
        models: ['gpt-4o'],
        aliases: {},
        rpmLimit: 60,
        blocked: true,
        metadata: { team: 'core' },
        totalRequests: 7,
        spend: 1.5,
        version: 1,
      });
      const updated = await store.keys.update('key_old', { ...old, aliases: { 'gpt-4': 'gpt-4o' } }, 1);
      expect(updated).toMatchObject({ aliases: { 'gpt-4': 'gpt-4o' }, models: ['gpt-4o'], totalRequests: 7, version: 2 });
    });
  });
});
