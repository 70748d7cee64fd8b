// Loopgate's /mcp beyond tools, driven by the official MCP SDK's client: two stdio servers'
// resources, resource templates and prompts aggregated (namespaced, held to the key's access),
// a server's progress reaching the agent, and every tool call a row of the request log.
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureMode } from '../../shared/keys.js';
import { McpUpstream } from '../../electron/mcp/upstream.js';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { McpClients, STDIO_SERVER, stdioServerEntry, toolText } from '../helpers/mcp-client.js';

/** The docs server's own secret (its env): a captured result that repeats it keeps it masked. */
const DOCS_SECRET = 'docs-server-secret-1234';

let gw: TestGateway;
const clients = new McpClients();

beforeAll(async () => {
  gw = await startTestGateway(`mcpServers:${stdioServerEntry('notes')}${stdioServerEntry('docs', 'docs', `\n    env: { ECHO_SUFFIX: " ${DOCS_SECRET}" }`)}
  broken:
    command: ${process.execPath}
    args: ["${join(PROJECT_ROOT, 'tests/fixtures/mcp/no-such-server.mjs')}"]
`);
}, 30_000);

afterAll(async () => {
  await clients.closeAll();
  await gw?.close();
});

const connect = (key: string): Promise<Client> => clients.connect(gw.url, key);

let keys = 0;
async function keyWith(metadata: Record<string, unknown>, capture?: CaptureMode): Promise<{ secret: string; id: string; alias: string }> {
  const alias = `mcp-${++keys}`;
  const created = await gw.app.api['keys.create']({ keyAlias: alias, metadata, ...(capture ? { capture } : {}) });
  return { secret: created.secret, id: created.key.id, alias };
}

describe('/mcp resources and prompts', () => {
  it("lists every server's resources, templates and prompts as <server>__<name>, and reads and gets each from its own server", async () => {
    const client = await connect(TEST_MASTER_KEY);
    const resources = (await client.listResources()).resources;
    expect(resources.map(({ name, uri }) => [name, uri]).sort()).toEqual([
      ['docs__readme', 'note://docs/readme'],
      ['notes__readme', 'note://notes/readme'],
    ]);
    expect((await client.listResourceTemplates()).resourceTemplates.map(({ name, uriTemplate }) => [name, uriTemplate]).sort()).toEqual([
      ['docs__note', 'note://docs/notes/{title}'],
      ['notes__note', 'note://notes/notes/{title}'],
    ]);
    expect((await client.readResource({ uri: 'note://docs/readme' })).contents).toEqual([{ uri: 'note://docs/readme', text: 'docs readme' }]);
    // A URI no server lists, but one's template matches.
    expect((await client.readResource({ uri: 'note://notes/notes/todo' })).contents).toEqual([{ uri: 'note://notes/notes/todo', text: 'notes note todo' }]);
    await expect(client.readResource({ uri: 'note://nobody/readme' })).rejects.toThrow(/MCP error -32002: Resource not found: no MCP server this key may read lists "note:\/\/nobody\/readme"/);

    expect((await client.listPrompts()).prompts.map((prompt) => prompt.name).sort()).toEqual(['docs__summarize', 'notes__summarize']);
    const got = await client.getPrompt({ name: 'docs__summarize', arguments: { text: 'the plan' } });
    expect(got.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'docs: summarize the plan' } }]);
    await expect(client.getPrompt({ name: 'nowhere__summarize', arguments: { text: 'x' } })).rejects.toThrow(/no MCP server "nowhere" is configured/);
  });

  it("holds resources and prompts to the key's mcp_servers: a whole server's, and prompts by name like tools", async () => {
    const notesOnly = await connect((await keyWith({ mcp_servers: ['notes'] })).secret);
    expect((await notesOnly.listResources()).resources.map((resource) => resource.name)).toEqual(['notes__readme']);
    expect((await notesOnly.listPrompts()).prompts.map((prompt) => prompt.name)).toEqual(['notes__summarize']);
    await expect(notesOnly.readResource({ uri: 'note://docs/readme' })).rejects.toThrow(/Resource not found/);
    await expect(notesOnly.getPrompt({ name: 'docs__summarize', arguments: { text: 'x' } })).rejects.toThrow(
      /This key may not use the prompt "summarize" of MCP server "docs" \(its metadata\.mcp_servers allows: notes\)/,
    );

    // One tool of a server is not its data: no resources; a prompt pattern allows that prompt.
    const narrow = await connect((await keyWith({ mcp_servers: ['docs__echo', 'docs__sum*'] })).secret);
    expect((await narrow.listResources()).resources).toEqual([]);
    expect((await narrow.listPrompts()).prompts.map((prompt) => prompt.name)).toEqual(['docs__summarize']);
  });

  it("passes a server's progress on to the agent under the agent's own token", async () => {
    const client = await connect(TEST_MASTER_KEY);
    const seen: Progress[] = [];
    // Many steps, quickly: the server's last progress and its answer reach Loopgate in one read.
    const result = await client.callTool({ name: 'notes__count', arguments: { n: 20 } }, undefined, { onprogress: (progress) => seen.push(progress) });
    expect(toolText(result)).toBe('counted to 20');
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => ({ progress: i + 1, total: 20, message: `step ${i + 1}` })));
  });
});

describe('a forwarded call that goes quiet', () => {
  it('times out when the server neither answers nor reports progress for quietTimeoutMs; progress holds the timeout off', async () => {
    const upstream = new McpUpstream({ name: 'slow', kind: 'stdio', command: process.execPath, args: [STDIO_SERVER, 'slow'], env: {}, cwd: null, idleMs: null }, { clientVersion: 'test', quietTimeoutMs: 1_000 });
    try {
      // 1.5 s in all, a step every 250 ms: past the timeout, but never quiet for a second.
      const steps: number[] = [];
      const counted = await upstream.callTool('count', { n: 6, everyMs: 250 }, { onprogress: ({ progress }) => steps.push(progress) });
      expect(toolText(counted)).toBe('counted to 6');
      expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
      // No progress asked for: 2.5 s of silence is past the second.
      await expect(upstream.callTool('count', { n: 1, everyMs: 2_500 }, {})).rejects.toThrow(/No answer from MCP server "slow" in 1 s/);
    } finally {
      await upstream.stop();
    }
  });
});

describe('MCP tool calls in the request log', () => {
  it('records each call (server, tool, duration, ok or why not) as a row of its own, with arguments only when the key captures them', async () => {
    const captured = await keyWith({ mcp_servers: ['docs', 'broken'], mcp_rpm: 3 }, 'all');
    const client = await connect(captured.secret);
    expect(toolText(await client.callTool({ name: 'docs__echo', arguments: { text: `hello, my key is ${captured.secret}` } }))).toBe(`docs echo: hello, my key is ${captured.secret} ${DOCS_SECRET}`);
    await expect(client.callTool({ name: 'notes__echo', arguments: { text: 'x' } })).rejects.toThrow(/may not use MCP server "notes"/);
    expect(((await client.callTool({ name: 'broken__unavailable', arguments: {} })) as CallToolResult).isError).toBe(true);
    expect(((await client.callTool({ name: 'docs__pid', arguments: {} })) as CallToolResult).isError).toBe(true); // past mcp_rpm: 3

    const rows = await gw.app.api['logs.list']({ keyId: captured.id, limit: 10 });
    expect(rows.map(({ mcp, status, errorCode, model }) => ({ mcp, status, errorCode, model }))).toEqual([
      { mcp: { server: 'docs', tool: 'pid' }, status: 429, errorCode: 'rate_limit', model: null },
      { mcp: { server: 'broken', tool: 'unavailable' }, status: 502, errorCode: 'upstream', model: null },
      { mcp: { server: 'notes', tool: 'echo' }, status: 403, errorCode: 'permission', model: null },
      { mcp: { server: 'docs', tool: 'echo' }, status: 200, errorCode: null, model: null },
    ]);
    expect(rows.every((row) => row.latencyMs > 0 && row.cost === 0 && row.keyLabel === captured.alias)).toBe(true);

    const ok = await gw.app.api['logs.get']({ id: rows[3]!.id });
    // The arguments and result, the key's own secret and the server's masked.
    expect(JSON.parse(ok.requestBody!)).toEqual({ text: 'hello, my key is ***' });
    expect(ok.responseBody).toContain('docs echo: hello, my key is ***');
    expect(ok.responseBody).not.toContain(DOCS_SECRET);
    const down = await gw.app.api['logs.get']({ id: rows[1]!.id });
    expect(down.error?.message).toMatch(/^MCP server "broken" (could not start|is unavailable)/);

    // A key that keeps no bodies: the call is logged, its arguments are not.
    const plain = await keyWith({ mcp_servers: ['docs'] });
    await (await connect(plain.secret)).callTool({ name: 'docs__echo', arguments: { text: 'private' } });
    const [row] = await gw.app.api['logs.list']({ keyId: plain.id, limit: 10 });
    expect(row).toMatchObject({ mcp: { server: 'docs', tool: 'echo' }, status: 200 });
    expect((await gw.app.api['logs.get']({ id: row!.id })).requestBody).toBeNull();
  });

  it('names the tool a lazy key reached through call_tool, and search_tools as Loopgate’s own', async () => {
    const lazy = await keyWith({ mcp_servers: ['notes'], mcp_lazy: true });
    const client = await connect(lazy.secret);
    await client.callTool({ name: 'search_tools', arguments: { query: 'echo' } });
    expect(toolText(await client.callTool({ name: 'call_tool', arguments: { name: 'notes__echo', arguments: { text: 'lazy' } } }))).toBe('notes echo: lazy');
    const rows = await gw.app.api['logs.list']({ keyId: lazy.id, limit: 10 });
    expect(rows.map((row) => row.mcp)).toEqual([
      { server: 'notes', tool: 'echo' },
      { server: null, tool: 'search_tools' },
    ]);
  });
});
