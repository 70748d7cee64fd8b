// Schema version 20 on PostgreSQL: request-log rows name the MCP server and tool of a tool call through /mcp.
import { migration020 } from '../../migrations/020_log_mcp_calls.js';

export const pgMigration020 = {
  version: migration020.version,
  name: migration020.name,
  sql: `
ALTER TABLE request_log ADD COLUMN mcp TEXT;  -- {"server", "tool"}; null for a model request
`,
};
