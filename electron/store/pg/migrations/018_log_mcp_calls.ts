// Schema version 18 on PostgreSQL: request-log rows name the MCP server and tool of a tool call through /mcp.
import { migration018 } from '../../migrations/018_log_mcp_calls.js';

export const pgMigration018 = {
  version: migration018.version,
  name: migration018.name,
  sql: `
ALTER TABLE request_log ADD COLUMN mcp TEXT;  -- {"server", "tool"}; null for a model request
`,
};
