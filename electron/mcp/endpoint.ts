// The /mcp endpoint's session logic: each POST is answered by a fresh MCP server (stateless
// streamable HTTP, as the SDK's own stateless example), bound to the caller's access, over the hub.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { McpAccess } from './access.js';
import type { McpCall, McpHub } from './hub.js';
import { callLazyTool, LAZY_TOOLS } from './lazy.js';

export interface McpRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** The JSON-RPC message, already read under the gateway's body limits. */
  body: unknown;
  access: McpAccess;
  /** Counts a tool call against the key's limit: null admits it, a text refuses it (said to the agent as a tool error). */
  admitCall: () => string | null;
  /** The key sees two tools, search and call, instead of the catalogue (lazy.ts). */
  lazy: boolean;
  /** Who called, for the log (a key id, or "master"). */
  caller: string;
  version: string;
}

/** Answers one POST to /mcp; the answer is JSON-RPC (a stream of events while a tool call reports progress). */
export async function serveMcp(hub: McpHub, request: McpRequest): Promise<void> {
  const server = new Server({ name: 'loopgate', version: request.version }, { capabilities: { tools: { listChanged: false } } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: request.lazy ? LAZY_TOOLS : await hub.listTools(request.access) }));
  server.setRequestHandler(CallToolRequestSchema, async (call, extra) => {
    const token = call.params._meta?.progressToken;
    const options: McpCall = {
      caller: request.caller,
      signal: extra.signal,
      // Progress from the server reaches the agent under the agent's own token.
      ...(token === undefined ? {} : { onprogress: (progress) => void extra.sendNotification({ method: 'notifications/progress', params: { ...progress, progressToken: token } }).catch(() => undefined) }),
    };
    const { name, arguments: args } = call.params;
    const refusal = request.admitCall();
    if (refusal !== null) return { isError: true, content: [{ type: 'text', text: refusal }] };
    return request.lazy ? callLazyTool(hub, request.access, name, args, options) : hub.callTool(request.access, name, args, options);
  });
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  request.res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request.req, request.res, request.body);
}
