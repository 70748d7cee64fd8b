import { describe, expect, it } from 'vitest';
import { afterMigration, routingSettings, storeAtVersion } from '../../helpers/store.js';

// A version-21 routing row, as the app saved it then (every column that existed, no offline fallback).
const V21_ROW = `INSERT INTO routing_settings (id, strategy, num_retries, retry_after_seconds, timeout_seconds, stream_timeout_seconds, allowed_fails,
  cooldown_seconds, fallbacks, context_window_fallbacks, content_policy_fallbacks, default_fallbacks, max_fallbacks, model_group_alias, cache,
  drop_params, routes, created_at, updated_at, version)
  VALUES ('global', 'least-busy', 4, 0, 600, NULL, 3, 5, '{}', '{}', '{}', '[]', 5, '{}', '{"enabled":false,"ttlSeconds":600,"maxEntries":1000}', 0, '[]', 1, 1, 3)`;

describe('schema version 22', () => {
  it('keeps a version-21 routing row with the offline fallback off, then saves one naming the version it read', async () => {
    const dir = await storeAtVersion(21, (db) => db.run(V21_ROW));
    await afterMigration(dir, async (store) => {
      expect(await store.routing.get()).toMatchObject({ strategy: 'least-busy', numRetries: 4, offlineFallback: null, version: 3 });
      const saved = await store.routing.save(routingSettings({ strategy: 'least-busy', offlineFallback: 'local-llama' }), 3, 2);
      expect(saved).toMatchObject({ offlineFallback: 'local-llama', version: 4 });
      expect(await store.routing.get()).toMatchObject({ offlineFallback: 'local-llama' });
    });
  });
});
