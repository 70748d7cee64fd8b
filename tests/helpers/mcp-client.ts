// An agent's side of a gateway's /mcp (the official MCP SDK's client over Streamable HTTP), and
// the MCP fixture server (tests/fixtures/mcp/stdio-server.mjs) as a config entry.
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PROJECT_ROOT } from './cli.js';

export const STDIO_SERVER = join(PROJECT_ROOT, 'tests/fixtures/mcp/stdio-server.mjs');

/** The fixture server as one `mcpServers:` entry; `label` prefixes what its tools answer, `more` adds lines (env). */
export function stdioServerEntry(name: string, label = name, more = ''): string {
  return `\n  ${name}:\n    command: ${process.execPath}\n    args: ["${STDIO_SERVER}", "${label}"]${more}`;
}

/** A client connected to the gateway's /mcp with `apiKey` as its Bearer token. */
async function connectMcp(gatewayUrl: string, apiKey: string): Promise<Client> {
  const client = new Client({ name: 'loopgate-test-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gatewayUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${apiKey}` } } }));
  return client;
}

/** Runs `use` in one fresh /mcp session (as an agent starting anew), closed after. */
export async function inMcpSession<T>(gatewayUrl: string, apiKey: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectMcp(gatewayUrl, apiKey);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** The tool names one fresh /mcp session lists, sorted. */
export function mcpToolNames(gatewayUrl: string, apiKey: string): Promise<string[]> {
  return inMcpSession(gatewayUrl, apiKey, async (client) => (await client.listTools()).tools.map((tool) => tool.name).sort());
}

/** A tool call's text parts, joined. */
export function toolText(result: unknown): string {
  return (result as CallToolResult).content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** The /mcp clients a test file opened, closed together at its end. */
export class McpClients {
  private readonly open: Client[] = [];

  async connect(gatewayUrl: string, apiKey: string): Promise<Client> {
    const client = await connectMcp(gatewayUrl, apiKey);
    this.open.push(client);
    return client;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((client) => client.close()));
  }
}
