// What a request-log row was for, as the Logs view names it: the model asked for, or for a tool
// call through /mcp (no model) the MCP tool, as the agent saw its name (`<server>__<tool>`).
import type { LogMcpCall } from '../../../shared/api.js';

export function logSubject(entry: { model: string | null; mcp: LogMcpCall | null }): string {
  if (entry.model !== null) return entry.model;
  if (entry.mcp) return `MCP ${entry.mcp.server === null ? '' : `${entry.mcp.server}__`}${entry.mcp.tool}`;
  return '—';
}
