// Schema version 18 on PostgreSQL: MCP servers added in the app (migrations/018_mcp_servers.ts).
import { migration018 } from '../../migrations/018_mcp_servers.js';

export const pgMigration018 = {
  version: migration018.version,
  name: migration018.name,
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
