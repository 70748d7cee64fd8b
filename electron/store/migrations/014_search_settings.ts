// Schema version 14: the web search provider Loopgate searches with for upstreams that cannot
// (issue 24). One versioned row (id 'global'), absent until the app first saves it; the key is
// sealed like provider keys.
export const migration014 = {
  version: 14,
  name: 'search_settings',
  sql: `
CREATE TABLE search_settings (
  id TEXT PRIMARY KEY,
  kind TEXT,                       -- searxng, brave, tavily, exa; null: web search is off
  url TEXT,                        -- null: the kind's default
  api_key_sealed TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
`,
};
