// Schema version 9: the request log names the tool that sent each request ("Claude Code",
// "OpenAI SDK (JS)"), read from its User-Agent, so deleting a key can say which tools break.
export const migration009 = {
  version: 9,
  name: 'log_client',
  sql: `
ALTER TABLE request_log ADD COLUMN client TEXT;
`,
};
