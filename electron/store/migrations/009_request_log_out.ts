// Schema version 9: the request log leaves the key store for segment files of its own
// (log-segments.ts), so memory and snapshots stay the size of the keys and settings, not of the
// history. Before this runs, openStore has moved every row there (legacy-request-log.ts).
export const migration009 = {
  version: 9,
  name: 'request_log_out',
  sql: `
DROP TABLE request_log;
`,
};
