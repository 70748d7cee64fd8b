// Schema version 6: the request log explains failures. Each row keeps how many deployments were
// tried, the attempts themselves (JSON, for failed and retried requests only) and the final error.
// Rows from before knew one deployment at most.
export const migration006 = {
  version: 6,
  name: 'log_attempts',
  sql: `
ALTER TABLE request_log ADD COLUMN attempt_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE request_log ADD COLUMN attempts TEXT;          -- [{number, deployment, group, via, outcome, status, reason, ...}]
ALTER TABLE request_log ADD COLUMN error_code TEXT;
ALTER TABLE request_log ADD COLUMN error_message TEXT;
UPDATE request_log SET attempt_count = CASE WHEN deployment IS NULL THEN 0 ELSE 1 END;
CREATE INDEX request_log_model_time ON request_log (model, time);
`,
};
