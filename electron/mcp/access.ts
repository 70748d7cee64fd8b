// Which MCP servers and tools a key may use: its metadata's `mcp_servers` list of patterns,
// `*` matching any run of characters. A pattern without `__` names servers (all their tools);
// `server__tool` names tools. No list: every server; an empty list: none.
import { compilePattern, type ModelPattern } from '../core/model-names.js';

export const TOOL_SEPARATOR = '__';

export interface McpAccess {
  /** The key's patterns as written, for refusals; null: everything. */
  readonly patterns: readonly string[] | null;
  server(server: string): boolean;
  tool(server: string, tool: string): boolean;
}

export const ALL_ACCESS: McpAccess = { patterns: null, server: () => true, tool: () => true };

/** A key's access from its metadata value; a value that is not a list of strings allows nothing (a typo never opens every server). */
export function accessFromMetadata(value: unknown): McpAccess {
  if (value === undefined || value === null) return ALL_ACCESS;
  const patterns = Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  const rules = patterns.map((pattern) => {
    const at = pattern.indexOf(TOOL_SEPARATOR);
    return at === -1 ? { server: compilePattern(pattern), tool: null } : { server: compilePattern(pattern.slice(0, at)), tool: compilePattern(pattern.slice(at + TOOL_SEPARATOR.length)) };
  });
  const matches = (pattern: ModelPattern | null, name: string): boolean => pattern === null || pattern.match(name) !== null;
  return {
    patterns,
    server: (server) => rules.some((rule) => matches(rule.server, server)),
    tool: (server, tool) => rules.some((rule) => matches(rule.server, server) && matches(rule.tool, tool)),
  };
}
