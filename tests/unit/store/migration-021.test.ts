import { describe, expect, it } from 'vitest';
import { afterMigration, storeAtVersion } from '../../helpers/store.js';

describe('schema version 21', () => {
  it('adds the MCP servers table to a version-20 store: empty, then a stdio server saved with its env sealed', async () => {
    const dir = await storeAtVersion(20, (db) => {
      db.run("INSERT INTO providers (id, name, family, api_base, created_at, updated_at, version) VALUES ('prov_a', 'Cloud', 'openai', NULL, 1, 1, 1)");
    });
    await afterMigration(dir, async (store) => {
      expect(await store.mcpServers.list()).toEqual([]);
      expect(await store.providers.list()).toEqual([expect.objectContaining({ id: 'prov_a' })]);
      const saved = await store.mcpServers.create('mcp_a', { name: 'files', kind: 'stdio', command: 'npx', args: ['-y', 'server'], env: [{ name: 'TOKEN', value: 'secret-1' }] }, 5);
      expect(saved).toMatchObject({ name: 'files', envNames: ['TOKEN'], enabled: true, version: 1 });
      expect(JSON.stringify(saved)).not.toContain('secret-1');
      expect((await store.mcpServers.reveal())[0]?.env).toEqual({ TOKEN: 'secret-1' });
    });
  });
});
