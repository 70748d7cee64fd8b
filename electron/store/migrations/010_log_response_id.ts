// Schema version 10: request-log rows carry the answer's own id (LiteLLM's request_id), so
// /spend/logs?request_id=chatcmpl-… finds them. The embedded log is in segment files since 9:
// their rows gain the field as they are written and older ones read it as null, so the key
// store itself has nothing to change (PostgreSQL's table gains a column, pg/migrations/010).
export const migration010 = {
  version: 10,
  name: 'log_response_id',
  sql: `
SELECT 1;
`,
};
