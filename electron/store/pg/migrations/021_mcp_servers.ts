// Schema version 21 on PostgreSQL: MCP servers added in the app (migrations/021_mcp_servers.ts).
import { migration021 } from '../../migrations/021_mcp_servers.js';

export const pgMigration021 = {
  version: migration021.version,
  name: migration021.name,
  sql: `
CREATE TABLE mcp_servers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  command TEXT,
  args TEXT NOT NULL DEFAULT '[]',
  cwd TEXT,
  env_sealed TEXT,
  url TEXT,
  headers_sealed TEXT,
  idle_seconds INTEGER,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
`,
};
