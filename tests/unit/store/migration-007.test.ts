import { describe, expect, it } from 'vitest';
import { afterMigration, storeAtVersion } from '../../helpers/store.js';

describe('schema version 7', () => {
  it("adds LiteLLM's tags, soft budget, per-model limits and creator to a version-6 store, keeping its keys", async () => {
    // A key as version 6 wrote it: none of the new columns yet.
    const dir = await storeAtVersion(6, (db) => {
      db.run(
        `INSERT INTO virtual_keys (id, key_hash, key_prefix, key_alias, models, aliases, rpm_limit, max_budget, blocked, metadata, created_at, updated_at, total_requests, spend)
         VALUES ('key_old', 'hash', 'sk-lg-abcd', 'ci', '["gpt-4o"]', '{"gpt-4":"gpt-4o"}', 60, 5, 0, '{"team":"core"}', 1, 1, 7, 1.5)`,
      );
    });

    await afterMigration(dir, async (store) => {
      const old = (await store.keys.findById('key_old'))!;
      expect(old).toMatchObject({
        keyAlias: 'ci',
        models: ['gpt-4o'],
        aliases: { 'gpt-4': 'gpt-4o' },
        rpmLimit: 60,
        maxBudget: 5,
        totalRequests: 7,
        spend: 1.5,
        tags: [],
        softBudget: null,
        modelMaxBudget: {},
        modelRpmLimit: {},
        modelTpmLimit: {},
        createdBy: null,
        version: 1,
      });
      const updated = await store.keys.update('key_old', { ...old, tags: ['prod'], softBudget: 2, modelRpmLimit: { 'gpt-4o': 3 } }, 1);
      expect(updated).toMatchObject({ tags: ['prod'], softBudget: 2, modelRpmLimit: { 'gpt-4o': 3 }, models: ['gpt-4o'], totalRequests: 7, version: 2 });
    });
  });
});
