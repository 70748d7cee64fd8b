import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUEST_LOG_DIR } from '../../../electron/store/log-segments.js';
import { afterMigration, logRow, storeAtVersion } from '../../helpers/store.js';

describe('schema version 15', () => {
  it('keeps version-14 keys (capture following the app), retention (no capture) and log rows (no replay), and stores all three from then on', async () => {
    // A key, a retention file and a log row as version 14 wrote them.
    const dir = await storeAtVersion(14, (db) => {
      db.run(
        `INSERT INTO virtual_keys (id, key_hash, key_prefix, key_alias, models, aliases, blocked, metadata, created_at, updated_at)
         VALUES ('key_old', 'hash', 'sk-lg-abcd', 'ci', '[]', '{}', 0, '{}', 1, 1)`,
      );
    });
    const { replayOf: _none, ...old } = logRow({ id: 'old', time: 1_800_000_000_000 });
    await mkdir(join(dir, REQUEST_LOG_DIR));
    await writeFile(join(dir, REQUEST_LOG_DIR, '1800000000000-000000.ndjson'), `${JSON.stringify(old)}\n`);
    await writeFile(join(dir, REQUEST_LOG_DIR, 'retention.json'), JSON.stringify({ days: 7, maxMegabytes: 100, version: 3 }));
    await afterMigration(dir, async (store) => {
      const {
        id: _id,
        keyPrefix: _p,
        createdAt: _c,
        updatedAt: _u,
        version,
        createdBy: _b,
        spend: _s,
        totalSpend: _t,
        totalRequests: _r,
        totalTokens: _k,
        lastUsedAt: _l,
        ...settings
      } = (await store.keys.findById('key_old'))!;
      expect(settings).toMatchObject({ keyAlias: 'ci', capture: null });
      expect((await store.keys.update('key_old', { ...settings, capture: 'failed' }, version)).capture).toBe('failed');
      expect(await store.requestLog.retention()).toEqual({ days: 7, maxMegabytes: 100, capture: null, version: 3 });
      expect(await store.requestLog.saveRetention({ days: 7, maxMegabytes: 100, capture: 'all' }, 3)).toMatchObject({ capture: 'all', version: 4 });
      expect(await store.requestLog.get('old')).toMatchObject({ id: 'old', replayOf: null });
      await store.requestLog.append([logRow({ id: 'again', time: 1_800_000_001_000, replayOf: 'old' })]);
      expect(await store.requestLog.get('again')).toMatchObject({ replayOf: 'old' });
    });
  });
});
