// Lazy MCP tools: a key with metadata.mcp_lazy sees two tools (search, call) instead of a
// 100-tool catalogue, and reaches a tool through them. The catalogue's token counts printed here
// are the ones docs/mcp.md quotes.
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { encode } from 'gpt-tokenizer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
const clients: Client[] = [];

beforeAll(async () => {
  gw = await startTestGateway(`mcpServers:
  github:
    command: ${process.execPath}
    args: ["${join(PROJECT_ROOT, 'tests/fixtures/mcp/stdio-server.mjs')}", "github"]
    env: { TOOL_COUNT: "100" }
`);
}, 30_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await gw?.close();
});

async function connect(metadata: Record<string, unknown>): Promise<Client> {
  const created = await gw.manage('POST', '/key/generate', { metadata });
  const client = new Client({ name: 'mcp-lazy-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${created.body.key as string}` } } }));
  clients.push(client);
  return client;
}

/** What an agent sends with each request for these tools: name, description and input schema (o200k tokens). */
function catalogueTokens(tools: Tool[]): number {
  return encode(JSON.stringify(tools.map(({ name, description, inputSchema }) => ({ name, description, input_schema: inputSchema })))).length;
}

function text(result: unknown): string {
  return (result as CallToolResult).content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

it('shrinks a 100-tool catalogue to search_tools and call_tool, and a tool is reached through them', async () => {
  const full = (await (await connect({})).listTools()).tools;
  const lazyClient = await connect({ mcp_lazy: true, mcp_servers: ['github__*_issues', 'github__echo'] });
  const lazy = (await lazyClient.listTools()).tools;
  expect(full).toHaveLength(103);
  expect(lazy.map((tool) => tool.name)).toEqual(['search_tools', 'call_tool']);
  // The 100 generated tools (the fixture's own echo, pid and count left out).
  const before = catalogueTokens(full.filter((tool) => !['github__echo', 'github__pid', 'github__count'].includes(tool.name)));
  const after = catalogueTokens(lazy);
  console.log(`MCP catalogue, 100 tools: ${before} tokens in full, ${after} lazy`);
  expect(after * 10).toBeLessThan(before);

  // Search sees only what the key may use: of the issue tools, the one the words name first.
  const found = JSON.parse(text(await lazyClient.callTool({ name: 'search_tools', arguments: { query: 'close issues', limit: 3 } }))) as Tool[];
  expect(found[0]!.name).toBe('github__close_issues');
  expect(found.every((tool) => tool.name.endsWith('_issues'))).toBe(true);
  expect(found[0]!.inputSchema.properties).toHaveProperty('repository');
  expect(text(await lazyClient.callTool({ name: 'call_tool', arguments: { name: 'github__close_issues', arguments: { repository: 'acme/app' } } }))).toBe('close issues of acme/app: none');
  // call_tool holds the key to its allow-list as a direct call would.
  await expect(lazyClient.callTool({ name: 'call_tool', arguments: { name: 'github__list_files', arguments: { repository: 'acme/app' } } })).rejects.toThrow(/may not use the tool "list_files"/);
});
