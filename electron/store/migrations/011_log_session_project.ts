// Schema version 11: request-log rows name the client's session (Claude Code's
// X-Claude-Code-Session-Id, Codex's session-id) and the project (x-loopgate-project), and each
// segment's summary adds them up per session and project. The embedded log is in segment files:
// rows gain the fields as they are written, older ones read them as null, and an older summary
// counts as holding no session; the key store has nothing to change (pg/migrations/011 adds columns).
export const migration011 = {
  version: 11,
  name: 'log_session_project',
  sql: `
SELECT 1;
`,
};
