// Schema version 11 on PostgreSQL: request-log rows name the client's session and project, indexed
// for the Logs filters (a session's requests newest first); the Sessions list groups by them over a
// period, which the time index narrows. Older rows have neither.
import { migration011 } from '../../migrations/011_log_session_project.js';

export const pgMigration011 = {
  version: migration011.version,
  name: 'log_session_project',
  sql: `
ALTER TABLE request_log ADD COLUMN session TEXT;
ALTER TABLE request_log ADD COLUMN project TEXT;
CREATE INDEX request_log_session ON request_log (session, time DESC, id DESC) WHERE session IS NOT NULL;
CREATE INDEX request_log_project ON request_log (project, time DESC, id DESC) WHERE project IS NOT NULL;
`,
};
