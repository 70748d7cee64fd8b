// Schema version 21: MCP servers added in the app, one versioned row each, merged with the config
// file's mcpServers. A stdio server's env values and a remote server's headers are sealed like
// provider keys (one sealed JSON object each); only the hub opens them.
export const migration021 = {
  version: 21,
  name: 'mcp_servers',
  sql: `
CREATE TABLE mcp_servers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,               -- prefixes the server's tools: <name>__<tool>
  kind TEXT NOT NULL,                      -- 'stdio' | 'http' | 'sse'
  command TEXT,
  args TEXT NOT NULL DEFAULT '[]',         -- JSON list of strings
  cwd TEXT,
  env_sealed TEXT,                         -- sealed {"NAME": "value"}
  url TEXT,
  headers_sealed TEXT,                     -- sealed {"Authorization": "..."}
  idle_seconds INTEGER,                    -- null: the default; 0: keep running
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
`,
};
