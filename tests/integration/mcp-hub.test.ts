// Loopgate's /mcp endpoint, driven by the official MCP SDK's own client over streamable HTTP:
// a stdio server and a remote (streamable HTTP) server, both written with the SDK, behind one
// endpoint; per-key allow-lists; a crashed stdio server restarted; one that cannot start named.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';

const STDIO_SERVER = join(PROJECT_ROOT, 'tests/fixtures/mcp/stdio-server.mjs');

/** A remote MCP server (stateless streamable HTTP, the SDK's own example shape) with one tool, `add`; it counts the header Loopgate sends. */
async function startRemoteServer(): Promise<{ url: string; seenHeaders: string[]; close(): Promise<void> }> {
  const seenHeaders: string[] = [];
  const http: Server = createServer((req, res) => {
    seenHeaders.push(String(req.headers['x-team-token']));
    const server = new McpServer({ name: 'calc', version: '1.0.0' });
    server.registerTool('add', { description: 'Adds two numbers.', inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void transport.close());
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    seenHeaders,
    // Loopgate's keep-alive connections too: the server is gone, not merely refusing new ones.
    close: () =>
      new Promise((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

let remote: Awaited<ReturnType<typeof startRemoteServer>>;
let doomed: Awaited<ReturnType<typeof startRemoteServer>>;
let gw: TestGateway;
const clients: Client[] = [];

async function connect(key: string, header: 'authorization' | 'x-loopgate-key' = 'authorization'): Promise<Client> {
  const client = new Client({ name: 'mcp-hub-test', version: '1.0.0' });
  const headers: Record<string, string> = header === 'authorization' ? { authorization: `Bearer ${key}` } : { 'x-loopgate-key': key };
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`), { requestInit: { headers } }));
  clients.push(client);
  return client;
}

async function keyWith(metadata: Record<string, unknown>): Promise<string> {
  const created = await gw.manage('POST', '/key/generate', { metadata });
  expect(created.status).toBe(200);
  return created.body.key as string;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function text(result: unknown): string {
  const content = (result as CallToolResult).content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

beforeAll(async () => {
  remote = await startRemoteServer();
  doomed = await startRemoteServer();
  gw = await startTestGateway(
    `mcpServers:
  notes:
    command: ${process.execPath}
    args: ["${STDIO_SERVER}", "notes"]
    env:
      ECHO_SUFFIX: os.environ/NOTES_SUFFIX
  calc:
    type: http
    url: ${remote.url}
    headers:
      x-team-token: team-secret
  gone:
    url: ${doomed.url}
  idle:
    command: ${process.execPath}
    args: ["${STDIO_SERVER}", "idle"]
    idle_timeout: 0.3
  broken:
    command: ${process.execPath}
    args: ["${join(PROJECT_ROOT, 'tests/fixtures/mcp/no-such-server.mjs')}"]
`,
    { env: { NOTES_SUFFIX: '!' } },
  );
}, 30_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await gw?.close();
  await remote?.close();
  await doomed?.close();
});

describe('/mcp', () => {
  it("lists every server's tools as <server>__<tool> and calls one of each, env and headers from the config", async () => {
    const client = await connect(TEST_MASTER_KEY);
    const names = (await client.listTools()).tools.map((tool) => tool.name).sort();
    expect(names).toEqual(['broken__unavailable', 'calc__add', 'gone__add', 'idle__count', 'idle__echo', 'idle__pid', 'notes__count', 'notes__echo', 'notes__pid']);
    expect(text(await client.callTool({ name: 'notes__echo', arguments: { text: 'hi' } }))).toBe('notes echo: hi!');
    expect(text(await client.callTool({ name: 'calc__add', arguments: { a: 2, b: 3 } }))).toBe('5');
    expect(remote.seenHeaders).toContain('team-secret');
    // The call is in the access log: server, tool, who, how it went.
    expect(gw.logger.records.some((entry) => entry.msg === 'mcp call' && entry.server === 'calc' && entry.tool === 'add' && entry.ok === true && entry.key === 'master')).toBe(true);
  });

  it('shows a key only the servers its metadata allows, and refuses the others by name', async () => {
    const client = await connect(await keyWith({ mcp_servers: ['calc'] }), 'x-loopgate-key');
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['calc__add']);
    expect(text(await client.callTool({ name: 'calc__add', arguments: { a: 1, b: 1 } }))).toBe('2');
    await expect(client.callTool({ name: 'notes__echo', arguments: { text: 'x' } })).rejects.toThrow(/^MCP error -32602: This key may not use MCP server "notes" \(its metadata\.mcp_servers allows: calc\)\.$/);
  });

  it('takes wildcards over tools: notes__e* allows echo and not pid', async () => {
    const client = await connect(await keyWith({ mcp_servers: ['notes__e*'] }));
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['notes__echo']);
    await expect(client.callTool({ name: 'notes__pid', arguments: {} })).rejects.toThrow(/may not use the tool "pid" of MCP server "notes"/);
  });

  it('holds a key to metadata.mcp_rpm tool calls a minute, saying so as a tool error', async () => {
    const client = await connect(await keyWith({ mcp_servers: ['calc'], mcp_rpm: 2 }));
    for (const sum of ['2', '2']) expect(text(await client.callTool({ name: 'calc__add', arguments: { a: 1, b: 1 } }))).toBe(sum);
    // Listing is not a call: only tools/call counts.
    expect((await client.listTools()).tools).toHaveLength(1);
    const refused = (await client.callTool({ name: 'calc__add', arguments: { a: 1, b: 1 } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/This key allows 2 tool calls per minute \(metadata\.mcp_rpm\); retry in \d+ s/);
  });

  it('restarts a stdio server killed mid-session, and the next call works', async () => {
    const client = await connect(TEST_MASTER_KEY);
    const pid = Number(text(await client.callTool({ name: 'notes__pid', arguments: {} })));
    process.kill(pid, 'SIGKILL');
    const notes = gw.app.mcp.servers().find((server) => server.name === 'notes')!;
    await expect.poll(() => notes.state, { timeout: 5_000 }).toBe('failed');
    const after = Number(text(await client.callTool({ name: 'notes__pid', arguments: {} })));
    expect(after).not.toBe(pid);
    expect(text(await client.callTool({ name: 'notes__echo', arguments: { text: 'back' } }))).toBe('notes echo: back!');
  });

  it('stops a stdio server left unused past its idle_timeout, and starts it again on the next call', async () => {
    const client = await connect(TEST_MASTER_KEY);
    const pid = Number(text(await client.callTool({ name: 'idle__pid', arguments: {} })));
    const idle = gw.app.mcp.servers().find((server) => server.name === 'idle')!;
    await expect.poll(() => idle.state, { timeout: 5_000 }).toBe('stopped');
    await expect.poll(() => isRunning(pid), { timeout: 5_000 }).toBe(false);
    expect(Number(text(await client.callTool({ name: 'idle__pid', arguments: {} })))).not.toBe(pid);
  });

  it('answers a call to a server that cannot start with a tool error naming it', async () => {
    const client = await connect(TEST_MASTER_KEY);
    const result = (await client.callTool({ name: 'broken__unavailable', arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/MCP server "broken" (could not start|is unavailable)/);
    // Why, from its stderr: Node's own error line, not only the last lines (its version, a stack's end).
    expect(text(result)).toMatch(/Cannot find module .*no-such-server\.mjs/);
    const listed = (await client.listTools()).tools.find((tool) => tool.name === 'broken__unavailable');
    expect(listed?.description).toMatch(/MCP server "broken"/);
    // A key allowed only some of its tools is told too: the stand-in is the server's, not a tool of it.
    const narrow = await connect(await keyWith({ mcp_servers: ['broken__search*'] }));
    expect((await narrow.listTools()).tools.map((tool) => tool.name)).toEqual(['broken__unavailable']);
    const told = (await narrow.callTool({ name: 'broken__unavailable', arguments: {} })) as CallToolResult;
    expect(told.isError).toBe(true);
    expect(text(told)).toMatch(/MCP server "broken"/);
  });

  it('answers a call to a remote server that went away with a tool error naming it', async () => {
    const client = await connect(TEST_MASTER_KEY);
    expect(text(await client.callTool({ name: 'gone__add', arguments: { a: 1, b: 2 } }))).toBe('3');
    await doomed.close();
    const result = (await client.callTool({ name: 'gone__add', arguments: { a: 1, b: 2 } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^MCP server "gone" could not be reached: /);
  });

  it('answers a body that is not JSON with a JSON-RPC parse error (-32700), as MCP clients read it', async () => {
    const post = (body: string) =>
      fetch(`${gw.url}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body });
    const broken = await post('{"jsonrpc":"2.0","id":1,"method":');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringMatching(/JSON/) } });
    // A good message right after is served as usual.
    const listed = await post('{"jsonrpc":"2.0","id":2,"method":"ping"}');
    expect(listed.status).toBe(200);
  });

  it('refuses a caller without a key, and a wrong key', async () => {
    const noKey = await fetch(`${gw.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    expect(noKey.status).toBe(401);
    const wrong = new Client({ name: 'x', version: '1' });
    await expect(wrong.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`), { requestInit: { headers: { authorization: 'Bearer sk-wrong' } } }))).rejects.toThrow();
  });
});
