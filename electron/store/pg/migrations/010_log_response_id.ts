// Schema version 10 on PostgreSQL: request-log rows carry the answer's own id (LiteLLM's
// request_id), indexed for /spend/logs?request_id=. Older rows have none.
import { migration010 } from '../../migrations/010_log_response_id.js';

export const pgMigration010 = {
  version: migration010.version,
  name: 'log_response_id',
  sql: `
ALTER TABLE request_log ADD COLUMN response_id TEXT;
CREATE INDEX request_log_response_id ON request_log (response_id) WHERE response_id IS NOT NULL;
`,
};
