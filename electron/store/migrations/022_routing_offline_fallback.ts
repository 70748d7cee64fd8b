// Schema version 22: the routing settings' offline fallback (issue 29): the local group that serves
// cloud groups while the network is gone; NULL (off) for a row saved before.
export const migration022 = {
  version: 22,
  name: 'routing_offline_fallback',
  sql: `
ALTER TABLE routing_settings ADD COLUMN offline_fallback TEXT;
`,
};
