import { describe, expect, it } from 'vitest';
import { afterMigration, logRow, storeAtVersion, writeOldSegment } from '../../helpers/store.js';

describe('schema version 11', () => {
  it('keeps version-10 log rows and their summary (no session, no project) and finds and adds up rows written from then on by session and project', async () => {
    const dir = await storeAtVersion(10);
    // A sealed segment as version 10 wrote it: rows without session or project, a summary without totals per session.
    const { session: _s, project: _p, ...old } = logRow({ id: 'old', time: 1_800_000_000_000, cost: 2 });
    await writeOldSegment(dir, old);
    await afterMigration(dir, async (store) => {
      const log = store.requestLog;
      expect(await log.get('old')).toMatchObject({ id: 'old', session: null, project: null });
      await log.append([logRow({ id: 'new', time: 1_800_000_001_000, session: 'sess-1', project: 'loopgate', cost: 1 })]);
      expect((await log.query({ session: 'sess-1', limit: 10 })).map((row) => row.id)).toEqual(['new']);
      expect((await log.query({ project: 'loopgate', limit: 10 })).map((row) => row.id)).toEqual(['new']);
      const window = { start: 1_799_999_999_000, end: 1_800_000_002_000, limit: 10 };
      expect(await log.groups({ by: 'session', ...window })).toMatchObject([{ name: 'sess-1', requests: 1, cost: 1, project: 'loopgate' }]);
      expect(await log.groups({ by: 'project', ...window })).toMatchObject([{ name: 'loopgate', requests: 1 }]);
    });
  });
});
