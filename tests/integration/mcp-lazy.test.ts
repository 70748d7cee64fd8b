// Lazy MCP tools: a key with metadata.mcp_lazy sees two tools (search, call) instead of a
// 100-tool catalogue, and reaches a tool through them. The catalogue's token counts printed here
// are the ones docs/mcp.md quotes.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { encode } from 'gpt-tokenizer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { McpClients, stdioServerEntry, toolText } from '../helpers/mcp-client.js';

let gw: TestGateway;
const clients = new McpClients();

beforeAll(async () => {
  gw = await startTestGateway(`mcpServers:${stdioServerEntry('github', 'github', '\n    env: { TOOL_COUNT: "100" }')}\n`);
}, 30_000);

afterAll(async () => {
  await clients.closeAll();
  await gw?.close();
});

/** A session as a new key with `metadata`. */
async function connect(metadata: Record<string, unknown>): Promise<Client> {
  const created = await gw.manage('POST', '/key/generate', { metadata });
  return clients.connect(gw.url, created.body.key as string);
}

/** What an agent sends with each request for these tools: name, description and input schema (o200k tokens). */
function catalogueTokens(tools: Tool[]): number {
  return encode(JSON.stringify(tools.map(({ name, description, inputSchema }) => ({ name, description, input_schema: inputSchema })))).length;
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
  const found = JSON.parse(toolText(await lazyClient.callTool({ name: 'search_tools', arguments: { query: 'close issues', limit: 3 } }))) as Tool[];
  expect(found[0]!.name).toBe('github__close_issues');
  expect(found.every((tool) => tool.name.endsWith('_issues'))).toBe(true);
  expect(found[0]!.inputSchema.properties).toHaveProperty('repository');
  expect(toolText(await lazyClient.callTool({ name: 'call_tool', arguments: { name: 'github__close_issues', arguments: { repository: 'acme/app' } } }))).toBe('close issues of acme/app: none');
  // call_tool holds the key to its allow-list as a direct call would.
  await expect(lazyClient.callTool({ name: 'call_tool', arguments: { name: 'github__list_files', arguments: { repository: 'acme/app' } } })).rejects.toThrow(/may not use the tool "list_files"/);
});
