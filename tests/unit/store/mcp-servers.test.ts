// MCP servers added in the app, on both stores: versioned rows; env values and headers sealed at
// rest, shown back only by name, opened only by reveal(), kept when an edit leaves a value out.
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../electron/store/errors.js';
import { expectEveryMethodRan, STORE_KINDS } from '../../helpers/stores.js';

describe.each(STORE_KINDS)('MCP server repository ($name)', (kind) => {
  it('keeps a stdio and a remote server through a reopen; secrets by name only, a value left out kept, a name left out removed', async () => {
    const { store, reopen } = await kind.open();
    let changes = 0;
    store.mcpServers.onChange(() => (changes += 1));
    const files = await store.mcpServers.create(
      'mcp_1',
      {
        name: 'files',
        kind: 'stdio',
        command: 'npx',
        args: ['-y', 'fs', '/tmp'],
        cwd: '/tmp',
        env: [
          { name: 'A', value: 'alpha-secret' },
          { name: 'B', value: 'beta-secret' },
        ],
        idleSeconds: 0,
      },
      100,
    );
    expect(files).toMatchObject({ id: 'mcp_1', kind: 'stdio', command: 'npx', args: ['-y', 'fs', '/tmp'], cwd: '/tmp', envNames: ['A', 'B'], headerNames: [], url: null, idleSeconds: 0, enabled: true, version: 1 });
    await store.mcpServers.create('mcp_2', { name: 'docs', kind: 'http', url: 'https://mcp.example/mcp', headers: [{ name: 'Authorization', value: 'Bearer tok' }] }, 100);
    expect(JSON.stringify(await store.mcpServers.list())).not.toMatch(/alpha-secret|beta-secret|Bearer tok/);
    const edited = await store.mcpServers.update('mcp_1', { name: 'files', kind: 'stdio', command: 'node', args: [], env: [{ name: 'A' }, { name: 'C', value: 'gamma' }], enabled: false }, 1, 200);
    expect(edited).toMatchObject({ command: 'node', envNames: ['A', 'C'], enabled: false, version: 2, createdAt: 100, updatedAt: 200 });
    expect(changes).toBe(3);
    const reopened = await reopen();
    expect((await reopened.mcpServers.list()).map((row) => row.name)).toEqual(['docs', 'files']);
    const revealed = await reopened.mcpServers.reveal();
    expect(revealed.find((row) => row.name === 'files')).toMatchObject({ env: { A: 'alpha-secret', C: 'gamma' }, headers: {} });
    expect(revealed.find((row) => row.name === 'docs')).toMatchObject({ kind: 'http', url: 'https://mcp.example/mcp', headers: { Authorization: 'Bearer tok' } });
    await reopened.close();
  });

  it('refuses a stale edit with a conflict carrying the row, a second server of one name, and deletes once', async () => {
    const { store } = await kind.open();
    await store.mcpServers.create('mcp_1', { name: 'memory', kind: 'stdio', command: 'npx' }, 1);
    await store.mcpServers.update('mcp_1', { name: 'memory', kind: 'stdio', command: 'npx', args: ['-y'] }, 1, 2);
    const stale = store.mcpServers.update('mcp_1', { name: 'memory', kind: 'stdio', command: 'other' }, 1, 3);
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ current: { command: 'npx', args: ['-y'], version: 2 } });
    await expect(store.mcpServers.create('mcp_2', { name: 'memory', kind: 'http', url: 'http://127.0.0.1:9/mcp' }, 4)).rejects.toMatchObject({ code: 'unique' });
    expect(await store.mcpServers.delete('mcp_1')).toBe(true);
    expect(await store.mcpServers.delete('mcp_1')).toBe(false);
    expect(await store.mcpServers.list()).toEqual([]);
  });
});

it('every MCP server method ran on both stores', () => expectEveryMethodRan('mcpServers'));
