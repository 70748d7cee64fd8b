// Schema version 18: daily totals count failed requests (issue 27), so the Overview can say how
// many failed and what share; a request the client stopped is not one. Older days count none.
export const migration018 = {
  version: 18,
  name: 'usage_failures',
  sql: `
ALTER TABLE spend_daily ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
`,
};
