import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../electron/store/migrations/index.js';
import { freshStore, logRow, schemaVersion, storeAtVersion } from '../../helpers/store.js';

describe('schema version 9', () => {
  it('keeps version-8 log rows (tool unknown) and names the tools that used a key from then on, the busiest first', async () => {
    const dir = await storeAtVersion(8, (db) => {
      db.run(`INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, prompt_tokens, completion_tokens, total_tokens, cost, attempt_count, call_type)
              VALUES ('old', 1000, 'key_a', 'gpt', 'gpt#0', 200, 5, 1, 2, 3, 0.25, 1, 'chat')`);
    });
    const { store } = await freshStore(dir);
    try {
      expect(schemaVersion(store)).toBe(SCHEMA_VERSION);
      expect(await store.usage.logEntry('old')).toMatchObject({ keyId: 'key_a', callType: 'chat', client: null });
      const row = (id: string, time: number, client: string | null, keyId = 'key_a'): ReturnType<typeof logRow> => logRow({ id, time, keyId, client });
      await store.usage.recordBatch({
        log: [row('a', 5000, 'Codex CLI'), row('b', 6000, 'Claude Code'), row('c', 7000, 'Claude Code'), row('d', 8000, null), row('e', 9000, 'Aider', 'key_b'), row('f', 500, 'curl')],
        daily: [],
        keys: [],
      });
      expect(await store.usage.logEntry('b')).toMatchObject({ client: 'Claude Code' });
      // Only this key's, only since then; requests without a User-Agent name no tool.
      expect(await store.usage.logClients('key_a', 1000)).toEqual(['Claude Code', 'Codex CLI']);
      expect(await store.usage.logClients('key_a', 6500)).toEqual(['Claude Code']);
      expect(await store.usage.logClients('key_c', 0)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
