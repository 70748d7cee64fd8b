import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUEST_LOG_DIR } from '../../../electron/store/log-segments.js';
import { afterMigration, logRow, storeAtVersion } from '../../helpers/store.js';

describe('schema version 10', () => {
  it('keeps version-9 log rows (no response id) and finds rows written from then on by their response id', async () => {
    const dir = await storeAtVersion(9);
    // A segment as version 9 wrote it: rows without responseId.
    const { responseId: _none, ...old } = logRow({ id: 'old', time: 1_800_000_000_000 });
    await mkdir(join(dir, REQUEST_LOG_DIR));
    await writeFile(join(dir, REQUEST_LOG_DIR, '1800000000000-000000.ndjson'), `${JSON.stringify(old)}\n`);
    await afterMigration(dir, async (store) => {
      expect(await store.requestLog.get('old')).toMatchObject({ id: 'old', responseId: null });
      await store.requestLog.append([logRow({ id: 'new', time: 1_800_000_001_000, responseId: 'chatcmpl-abc' })]);
      expect((await store.requestLog.query({ responseId: 'chatcmpl-abc', limit: 10 })).map((row) => row.id)).toEqual(['new']);
    });
  });
});
