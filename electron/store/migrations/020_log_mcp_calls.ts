// Schema version 20: tool calls through /mcp are request-log rows, naming the MCP server and
// tool (issue 28). The embedded log is in segment files: rows gain the field as they are written,
// older ones read it as null; the key store has nothing to change (pg/migrations/020 adds a column).
export const migration020 = {
  version: 20,
  name: 'log_mcp_calls',
  sql: `
SELECT 1;
`,
};
