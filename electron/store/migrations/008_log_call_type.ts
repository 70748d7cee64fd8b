// Schema version 8: the request log says which API was called (the client's dialect) and whether
// the response cache answered, as LiteLLM's spend logs do (call_type, cache_hit).
export const migration008 = {
  version: 8,
  name: 'log_call_type',
  sql: `
ALTER TABLE request_log ADD COLUMN call_type TEXT;
ALTER TABLE request_log ADD COLUMN cache_hit INTEGER NOT NULL DEFAULT 0;
`,
};
