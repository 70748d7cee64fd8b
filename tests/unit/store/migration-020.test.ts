import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bloom } from '../../../electron/store/log-bloom.js';
import { REQUEST_LOG_DIR } from '../../../electron/store/log-segments.js';
import { afterMigration, logRow, storeAtVersion } from '../../helpers/store.js';

describe('schema version 20', () => {
  it('reads version-19 log rows as model requests (no MCP call) and keeps the MCP server and tool of rows written from then on', async () => {
    const dir = await storeAtVersion(19);
    // A sealed segment as version 19 wrote it: rows without the mcp field.
    const { mcp: _mcp, ...old } = logRow({ id: 'old', time: 1_800_000_000_000 });
    const line = `${JSON.stringify(old)}\n`;
    const name = '1800000000000-000000.ndjson';
    await mkdir(join(dir, REQUEST_LOG_DIR));
    await writeFile(join(dir, REQUEST_LOG_DIR, name), line);
    const summary = { bytes: Buffer.byteLength(line), rows: 1, minTime: old.time, maxTime: old.time, okRows: 1, errorRows: 0, bloom: Bloom.of(['i:old', 'k:', 'm:gpt-4o'], 3).toBase64() };
    await writeFile(join(dir, REQUEST_LOG_DIR, `${name}.summary.json`), JSON.stringify(summary));
    await afterMigration(dir, async (store) => {
      const log = store.requestLog;
      expect(await log.get('old')).toMatchObject({ id: 'old', model: 'gpt-4o', mcp: null });
      await log.append([logRow({ id: 'call', time: 1_800_000_001_000, model: null, deployment: null, callType: 'mcp', mcp: { server: 'notes', tool: 'echo' } })]);
      expect(await log.get('call')).toMatchObject({ mcp: { server: 'notes', tool: 'echo' }, model: null });
      expect((await log.query({ limit: 10 })).map((row) => row.id)).toEqual(['call', 'old']);
    });
  });
});
