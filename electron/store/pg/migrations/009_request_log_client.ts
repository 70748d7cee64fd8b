// Schema version 9 on PostgreSQL. On sql.js, 9 moves the request log out of the in-memory key
// store into segment files; on a server the log stays a table (PostgreSQL keeps it on disk,
// indexed), and 9 gives it what the segment files have: the client tool's name, each row's
// size for the size cap, and retention as one versioned row.
import { migration009 } from '../../migrations/009_request_log_out.js';

export const pgMigration009 = {
  version: migration009.version,
  name: 'request_log_client_size_retention',
  sql: `
ALTER TABLE request_log ADD COLUMN client TEXT;
ALTER TABLE request_log ADD COLUMN row_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE request_log SET row_bytes = octet_length(row_to_json(request_log)::text);
CREATE TABLE log_retention (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  days INTEGER NOT NULL,
  max_megabytes INTEGER NOT NULL,
  version INTEGER NOT NULL
);
`,
};
