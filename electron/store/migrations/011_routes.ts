// Schema version 11: routes by what a request is (issue 23). The routing settings row gains its
// ordered routes (JSON, none until saved); request-log rows name the route they took, which the
// embedded log's segments carry from now on (older rows read "default"), so only the key
// store's routing row changes here (PostgreSQL's request_log gains a column, pg/migrations/011).
export const migration011 = {
  version: 11,
  name: 'routes',
  sql: `
ALTER TABLE routing_settings ADD COLUMN routes TEXT NOT NULL DEFAULT '[]';  -- [{"name", "when": [...], "to", "enabled"}]
`,
};
