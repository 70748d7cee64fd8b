// The MCP hub: owns the configured servers (upstream.ts) and answers for all of them at once,
// each tool named `<server>__<tool>`, filtered by the caller's access (access.ts). A server that
// is down shows as a tool that says so, and a call to it is a tool error naming it: an agent
// never gets a silently shorter catalogue.
import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../config/index.js';
import type { Logger } from '../core/logger.js';
import { TOOL_SEPARATOR, type McpAccess } from './access.js';
import { McpRefusal } from './refusal.js';
import { McpResourcesAndPrompts } from './resources-and-prompts.js';
import { McpUpstream, UpstreamUnavailable, type UpstreamOptions, type UpstreamRequest, type UpstreamState } from './upstream.js';

/** Stands in for a server's tools while it has never started: its description says why. */
const UNAVAILABLE_TOOL = 'unavailable';

export interface McpCall extends UpstreamRequest {
  /** Who called, for the log line (a key id, or "master"). */
  caller: string;
}

/** One server as the app shows it. */
export interface McpServerStatus {
  name: string;
  state: UpstreamState;
  tools: Tool[] | null;
  lastError: string | null;
  starts: number;
}

export class McpHub {
  private readonly upstreams = new Map<string, McpUpstream>();
  /** The servers' resources and prompts, aggregated like their tools. */
  readonly resourcesAndPrompts: McpResourcesAndPrompts;

  constructor(
    servers: readonly McpServerConfig[],
    private readonly logger: Logger,
    private readonly options: UpstreamOptions,
  ) {
    for (const server of servers) this.upstreams.set(server.name, new McpUpstream(server, options));
    this.resourcesAndPrompts = new McpResourcesAndPrompts(() => this.servers(), logger);
  }

  /** Each server, for the app's view and tests. */
  servers(): McpUpstream[] {
    return [...this.upstreams.values()];
  }

  /** Each server's state, tools (of its last connection; null: never ran) and last error, for the app's view. */
  status(): McpServerStatus[] {
    return this.servers().map((upstream) => ({ name: upstream.name, state: upstream.state, tools: upstream.lastKnownTools(), lastError: upstream.lastError, starts: upstream.starts }));
  }

  /** Serves this list from now on: a server whose settings changed, or that is gone, is stopped (the next use starts the new one). */
  async reload(servers: readonly McpServerConfig[]): Promise<void> {
    const next = new Map(servers.map((server) => [server.name, server]));
    const stopping: McpUpstream[] = [];
    for (const [name, upstream] of this.upstreams) {
      const wanted = next.get(name);
      if (wanted && JSON.stringify(wanted) === JSON.stringify(upstream.config)) continue;
      this.upstreams.delete(name);
      stopping.push(upstream);
    }
    for (const server of servers) if (!this.upstreams.has(server.name)) this.upstreams.set(server.name, new McpUpstream(server, this.options));
    await Promise.all(stopping.map((upstream) => upstream.stop()));
  }

  /** Starts a server now (the app's "Start"), so its tools or the reason it cannot start show; never throws for a failed start. */
  async start(name: string): Promise<void> {
    await this.upstreams
      .get(name)
      ?.tools()
      .catch((error: unknown) => {
        if (!(error instanceof UpstreamUnavailable)) throw error;
      });
  }

  /** The tools of every server the caller may use, started as needed (in parallel). */
  async listTools(access: McpAccess): Promise<Tool[]> {
    const visible = this.servers().filter((upstream) => access.server(upstream.name));
    const lists = await Promise.all(visible.map((upstream) => this.toolsOf(upstream)));
    const tools: Tool[] = [];
    visible.forEach((upstream, index) => {
      const { list, standIn } = lists[index]!;
      for (const tool of list) {
        if (standIn || access.tool(upstream.name, tool.name)) tools.push({ ...tool, name: `${upstream.name}${TOOL_SEPARATOR}${tool.name}` });
      }
    });
    return tools;
  }

  async callTool(access: McpAccess, name: string, args: Record<string, unknown> | undefined, call: McpCall): Promise<CallToolResult> {
    const at = name.indexOf(TOOL_SEPARATOR);
    const server = at === -1 ? '' : name.slice(0, at);
    const tool = at === -1 ? '' : name.slice(at + TOOL_SEPARATOR.length);
    const upstream = this.upstreams.get(server);
    if (!upstream) throw new McpRefusal(ErrorCode.InvalidParams, `Unknown tool "${name}": Loopgate's MCP tools are named <server>__<tool>, and no MCP server "${server}" is configured.`);
    // The stand-in of a server that never started is listed to whoever may use the server; a real tool of that name is not it.
    const standIn = tool === UNAVAILABLE_TOOL && upstream.lastKnownTools() === null;
    if (!(standIn ? access.server(server) : access.tool(server, tool))) {
      throw new McpRefusal(
        ErrorCode.InvalidParams,
        `This key may not use ${access.server(server) ? `the tool "${tool}" of ` : ''}MCP server "${server}" (its metadata.mcp_servers allows: ${(access.patterns ?? []).join(', ') || 'none'}).`,
        'permission',
      );
    }
    const started = Date.now();
    const logged = (ok: boolean, error?: string): void => this.logger.log(ok ? 'info' : 'warn', 'mcp call', { key: call.caller, server, tool, duration_ms: Date.now() - started, ok, ...(error ? { error } : {}) });
    try {
      const result = standIn ? await this.retried(upstream) : await upstream.callTool(tool, args, call);
      logged(!result.isError, result.isError ? 'tool error' : undefined);
      return result;
    } catch (error) {
      const down = unavailable(upstream, error);
      logged(false, down ? down.content[0].text : (error as Error).message);
      if (down) return down;
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.servers().map((upstream) => upstream.stop()));
  }

  /** A server's tools; one that cannot start lists its last known tools, or a stand-in naming the failure. */
  private async toolsOf(upstream: McpUpstream): Promise<{ list: Tool[]; standIn: boolean }> {
    try {
      return { list: await upstream.tools(), standIn: false };
    } catch (error) {
      if (!(error instanceof UpstreamUnavailable)) throw error;
      this.logger.log('warn', 'mcp server unavailable', { server: upstream.name, error: error.message });
      const known = upstream.lastKnownTools();
      if (known) return { list: known, standIn: false };
      return { standIn: true, list: [{ name: UNAVAILABLE_TOOL, description: `${error.message} Call this tool to try starting it again.`, inputSchema: { type: 'object', properties: {} } }] };
    }
  }

  /** The stand-in tool, called: one more start; it says whether the server now runs. */
  private async retried(upstream: McpUpstream): Promise<CallToolResult> {
    await upstream.tools();
    return { isError: true, content: [{ type: 'text', text: `MCP server "${upstream.name}" is running now; list the tools again to see its tools.` }] };
  }
}

/** A call that failed because the server is down, stopped, unreachable or too slow, as the tool error the agent reads; null for the server's own JSON-RPC errors (they pass through). */
function unavailable(upstream: McpUpstream, error: unknown): (CallToolResult & { content: [{ type: 'text'; text: string }] }) | null {
  let text: string | null = null;
  if (error instanceof UpstreamUnavailable) text = error.message;
  else if (error instanceof McpError && error.code === (ErrorCode.ConnectionClosed as number)) text = `MCP server "${upstream.name}" stopped during the call; it is restarted on the next call.`;
  else if (error instanceof McpError && error.code === (ErrorCode.RequestTimeout as number)) text = `MCP server "${upstream.name}" did not answer in time.`;
  // Not an answer of the server's at all: a remote one unreachable or answering HTTP errors, a pipe gone.
  else if (!(error instanceof McpError)) text = `MCP server "${upstream.name}" could not be reached: ${error instanceof Error ? error.message : String(error)}`;
  return text === null ? null : { isError: true, content: [{ type: 'text', text }] };
}
