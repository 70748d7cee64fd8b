// Schema version 16: the alert settings made in the app, one versioned row (id 'global') absent
// until first saved; the settings (thresholds, events, desktop, webhook) are one JSON column.
// (Versions 12 to 14 are routes', usage parts' and search's; a store at 11 runs them in order.)
export const migration016 = {
  version: 16,
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
