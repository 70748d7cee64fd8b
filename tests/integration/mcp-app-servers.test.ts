// MCP servers added in the app, next to the config file's: the hub serves an added, edited,
// disabled or removed server from the next /mcp request on (no restart); env values reach the
// server but never come back to the app; a server that cannot start says why; the servers the
// agents declare in their own config files are found and imported, their files left as they were.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpServerView } from '../../shared/mcp.js';
import { tempDir } from '../helpers/cli.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { inMcpSession, mcpToolNames, STDIO_SERVER, stdioServerEntry, toolText } from '../helpers/mcp-client.js';

const home = tempDir('loopgate-mcp-home-');
let gw: TestGateway;

const toolNames = (): Promise<string[]> => mcpToolNames(gw.url, TEST_MASTER_KEY);

const call = (name: string, args: Record<string, unknown>): Promise<string> => inMcpSession(gw.url, TEST_MASTER_KEY, async (client) => toolText(await client.callTool({ name, arguments: args })));

const stdio = (label: string) => ({ kind: 'stdio' as const, command: process.execPath, args: [STDIO_SERVER, label] });
const listed = async (name: string): Promise<McpServerView[]> => (await gw.app.api['mcp.list']({})).filter((server) => server.name === name);

beforeAll(async () => {
  gw = await startTestGateway(`mcpServers:${stdioServerEntry('filed')}\n`, { env: { HOME: home } });
}, 30_000);

afterAll(async () => {
  await gw?.close();
});

describe('MCP servers added in the app', () => {
  it('serves an added stdio server at once, its sealed env reaching the server and never shown back', async () => {
    expect(await toolNames()).toEqual(['filed__count', 'filed__echo', 'filed__pid']);
    const created = await gw.app.api['mcp.create']({ name: 'added', ...stdio('added'), env: [{ name: 'ECHO_SUFFIX', value: ' [sealed-value]' }] });
    expect(created).toMatchObject({ source: 'app', envNames: ['ECHO_SUFFIX'], state: 'stopped', tools: null, version: 1 });
    expect(await toolNames()).toEqual(['added__count', 'added__echo', 'added__pid', 'filed__count', 'filed__echo', 'filed__pid']);
    expect(await call('added__echo', { text: 'hi' })).toBe('added echo: hi [sealed-value]');
    const [view] = await listed('added');
    expect(view).toMatchObject({ state: 'running', tools: [{ name: 'echo' }, { name: 'pid' }, { name: 'count' }], lastError: null });
    expect(JSON.stringify(await gw.app.api['mcp.list']({}))).not.toContain('sealed-value');
  });

  it('applies an edit (env kept when left without a value), a disable and a delete without a restart', async () => {
    const [view] = await listed('added');
    const edited = await gw.app.api['mcp.update']({ id: view!.id!, version: view!.version, name: 'added', ...stdio('renamed-label'), env: [{ name: 'ECHO_SUFFIX' }] });
    expect(edited.version).toBe(2);
    // The running process had the old settings: it is stopped, and the next call starts the new one.
    expect(await call('added__echo', { text: 'again' })).toBe('renamed-label echo: again [sealed-value]');
    const disabled = await gw.app.api['mcp.update']({ id: edited.id!, version: 2, name: 'added', ...stdio('renamed-label'), env: [{ name: 'ECHO_SUFFIX' }], enabled: false });
    expect(disabled).toMatchObject({ enabled: false, state: 'stopped' });
    expect(await toolNames()).toEqual(['filed__count', 'filed__echo', 'filed__pid']);
    expect(await gw.app.api['mcp.delete']({ id: edited.id! })).toEqual({ deleted: true });
    expect(await listed('added')).toEqual([]);
  });

  it("an app server of the config file's name wins over it, and the file's shows as shadowed", async () => {
    const app = await gw.app.api['mcp.create']({ name: 'filed', ...stdio('from-app') });
    expect(await call('filed__echo', { text: 'x' })).toBe('from-app echo: x');
    expect((await listed('filed')).map((server) => [server.source, server.shadowed])).toEqual([
      ['app', false],
      ['config', true],
    ]);
    await gw.app.api['mcp.delete']({ id: app.id! });
    expect(await call('filed__echo', { text: 'x' })).toBe('filed echo: x');
  });

  it('shows why a server cannot start, and refuses a stdio server without a command by its field', async () => {
    await gw.app.api['mcp.create']({ name: 'broken', kind: 'stdio', command: join(home, 'no-such-program') });
    const started = await gw.app.api['mcp.start']({ name: 'broken' });
    expect(started.state).toBe('failed');
    expect(started.lastError).toMatch(/^could not start: .*ENOENT/);
    await expect(gw.app.api['mcp.create']({ name: 'nocommand', kind: 'stdio' })).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/^command: a stdio server needs/) });
    await expect(gw.app.api['mcp.create']({ name: 'a__b', kind: 'http', url: 'http://127.0.0.1:9/mcp' })).rejects.toMatchObject({ message: expect.stringMatching(/^name: expected no "__"/) });
    await expect(gw.app.api['mcp.create']({ name: 'broken', kind: 'http', url: 'http://127.0.0.1:9/mcp' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/^name: another MCP server/) });
  });
});

describe("importing the agents' MCP servers", () => {
  it('finds the servers Claude Code, Codex, Gemini CLI and opencode declare, imports the chosen ones, and leaves their files as they were', async () => {
    const files: Record<string, string> = {
      '.claude.json': JSON.stringify({
        mcpServers: { github: { type: 'http', url: 'https://api.example/mcp', headers: { Authorization: 'Bearer gh-secret' } } },
        projects: { '/p': { mcpServers: { 'local.files': { command: 'npx', args: ['-y', 'fs'] } } } },
      }),
      '.codex/config.toml': `model = "o3"\n\n[mcp_servers.memory]\ncommand = "npx"\nargs = ["-y", "@modelcontextprotocol/server-memory"] # the memory server\n\n[mcp_servers.memory.env]\nMEMORY_FILE = 'C:\\mem.json'\n\n[mcp_servers.off]\ncommand = "x"\nenabled = false\n`,
      '.gemini/settings.json': '{\n  // Gemini reads comments\n  "mcpServers": { "stream": { "httpUrl": "http://127.0.0.1:9/mcp", }, "events": { "url": "http://127.0.0.1:9/sse" } }\n}',
      '.config/opencode/opencode.json': JSON.stringify({
        mcp: { everything: { type: 'local', command: ['npx', '-y', 'everything'], environment: { TOKEN: 'oc-secret' } }, gone: { type: 'remote', url: 'https://x.example/mcp', enabled: false } },
      }),
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(home, file, '..'), { recursive: true });
      writeFileSync(join(home, file), text);
    }
    const preview = await gw.app.api['mcp.importPreview']({});
    expect(preview.map(({ tool, name, kind, exists }) => [tool, name, kind, exists])).toEqual([
      ['Claude Code', 'github', 'http', false],
      ['Claude Code', 'local-files', 'stdio', false],
      ['Codex', 'memory', 'stdio', false],
      ['Gemini CLI', 'stream', 'http', false],
      ['Gemini CLI', 'events', 'sse', false],
      ['opencode', 'everything', 'stdio', false],
    ]);
    expect(preview.find((server) => server.name === 'memory')).toMatchObject({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'], envNames: ['MEMORY_FILE'] });
    expect(JSON.stringify(preview)).not.toMatch(/gh-secret|oc-secret/);

    const result = await gw.app.api['mcp.import']({
      servers: [
        { tool: 'Claude Code', name: 'github' },
        { tool: 'Codex', name: 'memory' },
        { tool: 'opencode', name: 'everything' },
      ],
    });
    expect(result).toEqual({ added: ['github', 'memory', 'everything'], skipped: [] });
    const revealed = await gw.store.mcpServers.reveal();
    expect(revealed.find((row) => row.name === 'memory')?.env).toEqual({ MEMORY_FILE: 'C:\\mem.json' });
    expect(revealed.find((row) => row.name === 'github')?.headers).toEqual({ Authorization: 'Bearer gh-secret' });
    expect(revealed.find((row) => row.name === 'everything')).toMatchObject({ command: 'npx', args: ['-y', 'everything'], env: { TOKEN: 'oc-secret' } });
    expect((await gw.app.api['mcp.importPreview']({})).filter((server) => server.exists).map((server) => server.name)).toEqual(['github', 'memory', 'everything']);
    expect(await gw.app.api['mcp.import']({ servers: [{ tool: 'Codex', name: 'memory' }] })).toEqual({ added: [], skipped: ['memory'] });
    for (const [file, text] of Object.entries(files)) expect(readFileSync(join(home, file), 'utf8')).toBe(text);
  });
});
