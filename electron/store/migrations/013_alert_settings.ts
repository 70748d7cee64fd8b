// Schema version 13: the alert settings made in the app, one versioned row (id 'global') absent
// until first saved; the settings (thresholds, events, desktop, webhook) are one JSON column.
// (Version 12 is another change's; a store at 11 runs both in order.)
export const migration013 = {
  version: 13,
  name: 'alert_settings',
  sql: `
CREATE TABLE alert_settings (
  id TEXT PRIMARY KEY,
  settings TEXT NOT NULL,                  -- {"budgetThresholds": [80, 100], "events": [...], "webhook": null, ...}
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
`,
};
