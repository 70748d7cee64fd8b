import { describe, expect, it } from 'vitest';
import { afterMigration, logRow, storeAtVersion } from '../../helpers/store.js';

describe('schema version 12', () => {
  it('keeps version-11 routing settings (no routes yet) and log rows (route "default"), and records routes from then on', async () => {
    const dir = await storeAtVersion(11, (db) => {
      db.run(`INSERT INTO routing_settings (id, strategy, num_retries, retry_after_seconds, timeout_seconds, stream_timeout_seconds, allowed_fails, cooldown_seconds,
                fallbacks, context_window_fallbacks, content_policy_fallbacks, default_fallbacks, max_fallbacks, model_group_alias, cache, drop_params, created_at, updated_at, version)
              VALUES ('global', 'least-busy', 2, 0, 600, NULL, 3, 5, '{}', '{}', '{}', '[]', 5, '{}', '{"enabled":false,"ttlSeconds":600,"maxEntries":1000}', 0, 1, 1, 4)`);
    });
    await afterMigration(dir, async (store) => {
      const before = await store.routing.get();
      expect(before).toMatchObject({ strategy: 'least-busy', numRetries: 2, routes: [], version: 4 });
      const routes = [{ name: 'cheap', when: [{ kind: 'background' as const }], to: 'haiku', enabled: true }];
      expect(await store.routing.save({ ...before!, routes }, 4, 2)).toMatchObject({ routes, version: 5 });
      await store.requestLog.append([logRow({ id: 'new', route: 'cheap' })]);
      expect(await store.requestLog.get('new')).toMatchObject({ route: 'cheap' });
    });
  });
});
