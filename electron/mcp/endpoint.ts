// The /mcp endpoint's session logic: each POST is answered by a fresh MCP server (stateless
// streamable HTTP, as the SDK's own stateless example), bound to the caller's access, over the hub.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type ProgressToken,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpAccess } from './access.js';
import type { McpCall, McpHub } from './hub.js';
import { LAZY_TOOLS } from './lazy.js';
import { loggedToolCall, type McpToolCallRecord } from './tool-call-log.js';
import type { UpstreamRequest } from './upstream.js';

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
  /** Told of each tool call once it is over, for the request log. */
  onToolCall: (call: McpToolCallRecord) => void;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** The agent's cancellation, and (when it asked, with a token) the server's progress reported to it under that token. */
function forwarding(extra: Extra, token: ProgressToken | undefined): UpstreamRequest {
  if (token === undefined) return { signal: extra.signal };
  return {
    signal: extra.signal,
    onprogress: (progress) => void extra.sendNotification({ method: 'notifications/progress', params: { ...progress, progressToken: token } }).catch(() => undefined),
  };
}

/** Answers one POST to /mcp; the answer is JSON-RPC (a stream of events while a call reports progress). */
export async function serveMcp(hub: McpHub, request: McpRequest): Promise<void> {
  const server = new Server({ name: 'loopgate', version: request.version }, { capabilities: { tools: { listChanged: false }, resources: {}, prompts: {} } });
  const { access } = request;
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: request.lazy ? LAZY_TOOLS : await hub.listTools(access) }));
  server.setRequestHandler(CallToolRequestSchema, async (call, extra) => {
    const options: McpCall = { caller: request.caller, ...forwarding(extra, call.params._meta?.progressToken) };
    return loggedToolCall(hub, request, call.params.name, call.params.arguments, options);
  });
  // Resources and prompts: aggregated like the tools (resources-and-prompts.ts); listings report no progress.
  const catalogue = hub.resourcesAndPrompts;
  server.setRequestHandler(ListResourcesRequestSchema, async (_list, extra) => ({ resources: await catalogue.listResources(access, forwarding(extra, undefined)) }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async (_list, extra) => ({ resourceTemplates: await catalogue.listResourceTemplates(access, forwarding(extra, undefined)) }));
  server.setRequestHandler(ReadResourceRequestSchema, (read, extra) => catalogue.readResource(access, read.params.uri, forwarding(extra, read.params._meta?.progressToken)));
  server.setRequestHandler(ListPromptsRequestSchema, async (_list, extra) => ({ prompts: await catalogue.listPrompts(access, forwarding(extra, undefined)) }));
  server.setRequestHandler(GetPromptRequestSchema, (get, extra) => catalogue.getPrompt(access, get.params.name, get.params.arguments, forwarding(extra, get.params._meta?.progressToken)));
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  request.res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request.req, request.res, request.body);
}
