// Schema version 6 on PostgreSQL: the request log keeps attempts and the final error; the log
// gets the indexes for its other filters (model, errors only), newest first like its reads.
import { migration006 } from '../../migrations/006_log_attempts.js';

export const pgMigration006 = {
  version: migration006.version,
  name: migration006.name,
  sql: `
ALTER TABLE request_log ADD COLUMN attempt_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE request_log ADD COLUMN attempts TEXT;
ALTER TABLE request_log ADD COLUMN error_code TEXT;
ALTER TABLE request_log ADD COLUMN error_message TEXT;
UPDATE request_log SET attempt_count = CASE WHEN deployment IS NULL THEN 0 ELSE 1 END;
CREATE INDEX request_log_model_time ON request_log (model, time DESC, id DESC);
CREATE INDEX request_log_errors ON request_log (time DESC, id DESC) WHERE status >= 400;
`,
};
