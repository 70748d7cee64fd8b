import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUEST_LOG_DIR } from '../../../electron/store/log-segments.js';
import { SCHEMA_VERSION } from '../../../electron/store/migrations/index.js';
import { freshStore, logRow, schemaVersion, storeAtVersion } from '../../helpers/store.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);

describe('schema version 9', () => {
  it('moves every version-8 log row into the request-log files, drops the table and keeps daily spend', async () => {
    const dir = await storeAtVersion(8, (db) => {
      // More than two of the move's 10,000-row pages.
      const insert = db.prepare(
        `INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, prompt_tokens, completion_tokens, total_tokens, cost, attempt_count, attempts, error_code, error_message, call_type, cache_hit)
         VALUES (?, ?, ?, 'gpt', 'gpt#0', ?, 5, 1, 2, 3, 0.25, 1, ?, ?, ?, 'chat', 0)`,
      );
      db.exec('BEGIN');
      for (let i = 0; i < 25_000; i++) {
        const failed = i === 7;
        insert.run([`row${i}`, T0 + i * 60_000, i % 2 ? 'key_a' : null, failed ? 502 : 200, failed ? '[{"number":1}]' : null, failed ? 'upstream' : null, failed ? 'bad gateway' : null]);
      }
      db.exec('COMMIT');
      insert.free();
      db.run(`INSERT INTO spend_daily (day, key_id, model, requests, total_tokens, cost) VALUES ('2026-10-01', 'key_a', 'gpt', 1, 3, 0.25)`);
    });
    // What an earlier start left when it died between writing the moved rows and dropping the table.
    const logDir = join(dir, REQUEST_LOG_DIR);
    await mkdir(logDir);
    await writeFile(join(logDir, '1700000000000-000000-import.ndjson'), `${JSON.stringify(logRow({ id: 'row1', time: T0 + 60_000 }))}\n`);

    const { store, logger } = await freshStore(dir);
    try {
      expect(schemaVersion(store)).toBe(SCHEMA_VERSION);
      expect(store.database.get("SELECT name FROM sqlite_master WHERE name = 'request_log'")).toBeUndefined();
      expect(logger.records.map((record) => record.msg)).toContain('Moved 25000 request-log rows out of the key store into request-log/');
      const newest = await store.requestLog.query({ limit: 2 });
      expect(newest.map((row) => row.id)).toEqual(['row24999', 'row24998']);
      expect(await store.requestLog.query({ id: 'row1', limit: 10 })).toHaveLength(1);
      expect(await store.requestLog.get('row7')).toMatchObject({ status: 502, attempts: [{ number: 1 }], errorCode: 'upstream', errorMessage: 'bad gateway', keyId: 'key_a' });
      expect(await store.requestLog.query({ keyId: '', start: T0, end: T0 + DAY, limit: 5000 })).toHaveLength(720);
      expect(await store.usage.dailySpend({ keyId: 'key_a' })).toEqual([expect.objectContaining({ day: '2026-10-01', cost: 0.25 })]);
      // 25,000 rows a minute apart span 18 UTC days: one segment per day, none left over from the interrupted move.
      expect((await readdir(logDir)).filter((name) => name.endsWith('.ndjson'))).toHaveLength(18);
    } finally {
      await store.close();
    }
  });
});
