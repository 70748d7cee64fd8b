// Lazy tools: instead of every server's catalogue, a key with `metadata.mcp_lazy: true` sees two
// tools, one that searches the catalogue (names and descriptions) and one that calls a tool
// found there, so an agent sends a small catalogue with each request.
import { ErrorCode, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpAccess } from './access.js';
import type { McpCall, McpHub } from './hub.js';
import { McpRefusal } from './refusal.js';

const SEARCH_TOOL = 'search_tools';
const CALL_TOOL = 'call_tool';
const DEFAULT_MATCHES = 10;
const MAX_MATCHES = 50;

export const LAZY_TOOLS: Tool[] = [
  {
    name: SEARCH_TOOL,
    description: `Searches the available tools by name and description. Returns the best matches with their input schemas; call one with ${CALL_TOOL}.`,
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'Words to look for in tool names and descriptions; empty lists every tool.' },
        limit: { type: 'number', description: `How many tools to return (default ${DEFAULT_MATCHES}, at most ${MAX_MATCHES}).` },
      },
      required: ['query'],
    },
  },
  {
    name: CALL_TOOL,
    description: `Calls a tool found with ${SEARCH_TOOL}, by its exact name, with arguments that follow its input schema.`,
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string', description: 'The tool name, as search_tools gave it.' }, arguments: { type: 'object', description: "The tool's arguments." } },
      required: ['name'],
    },
  },
];

/** Answers a call to one of the two lazy tools over the hub. */
export async function callLazyTool(hub: McpHub, access: McpAccess, name: string, args: Record<string, unknown> | undefined, call: McpCall): Promise<CallToolResult> {
  if (name === SEARCH_TOOL) {
    const query = typeof args?.query === 'string' ? args.query : '';
    const limit = typeof args?.limit === 'number' && args.limit > 0 ? Math.min(Math.floor(args.limit), MAX_MATCHES) : DEFAULT_MATCHES;
    const found = searchTools(await hub.listTools(access), query, limit);
    return { content: [{ type: 'text', text: JSON.stringify(found.map(({ name: tool, description, inputSchema }) => ({ name: tool, description, inputSchema }))) }] };
  }
  if (name === CALL_TOOL) {
    const target = lazyCallTarget(name, args);
    if (!target) throw new McpRefusal(ErrorCode.InvalidParams, `${CALL_TOOL} needs "name": a tool name that ${SEARCH_TOOL} returned.`);
    return hub.callTool(access, target.name, target.arguments, call);
  }
  throw new McpRefusal(ErrorCode.InvalidParams, `Unknown tool "${name}": this key sees the catalogue through ${SEARCH_TOOL} and ${CALL_TOOL}.`);
}

/** The tool a call to call_tool reaches, and its arguments; null for any other call (or one without a name). */
export function lazyCallTarget(name: string, args: Record<string, unknown> | undefined): { name: string; arguments: Record<string, unknown> | undefined } | null {
  if (name !== CALL_TOOL || typeof args?.name !== 'string') return null;
  const inner = args.arguments;
  return { name: args.name, arguments: typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : undefined };
}

/** Tools ranked by how many of the query's words their name and description hold (names count double); those with none are left out. */
function searchTools(tools: Tool[], query: string, limit: number): Tool[] {
  const words = query
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.length === 0) return tools.slice(0, limit);
  const scored = tools.map((tool) => {
    const name = tool.name.toLowerCase();
    const description = (tool.description ?? '').toLowerCase();
    const score = words.reduce((sum, word) => sum + (name.includes(word) ? 2 : 0) + (description.includes(word) ? 1 : 0), 0);
    return { tool, score };
  });
  return scored
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((entry) => entry.tool);
}
