import { describe, expect, it } from 'vitest';
import { afterMigration, logRow, storeAtVersion, writeOldSegment } from '../../helpers/store.js';

describe('schema version 20', () => {
  it('reads version-19 log rows as model requests (no MCP call) and keeps the MCP server and tool of rows written from then on', async () => {
    const dir = await storeAtVersion(19);
    // A sealed segment as version 19 wrote it: rows without the mcp field.
    const { mcp: _mcp, ...old } = logRow({ id: 'old', time: 1_800_000_000_000 });
    await writeOldSegment(dir, old);
    await afterMigration(dir, async (store) => {
      const log = store.requestLog;
      expect(await log.get('old')).toMatchObject({ id: 'old', model: 'gpt-4o', mcp: null });
      await log.append([logRow({ id: 'call', time: 1_800_000_001_000, model: null, deployment: null, callType: 'mcp', mcp: { server: 'notes', tool: 'echo' } })]);
      expect(await log.get('call')).toMatchObject({ mcp: { server: 'notes', tool: 'echo' }, model: null });
      expect((await log.query({ limit: 10 })).map((row) => row.id)).toEqual(['call', 'old']);
    });
  });
});
