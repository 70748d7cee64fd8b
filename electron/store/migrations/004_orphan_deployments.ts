// Schema version 4: foreign keys are enforced from here on (PRAGMA foreign_keys on the store's
// connection). Before, deleting a provider did not cascade, so a store may hold deployments
// naming a provider that is gone; nothing could route them, and they would fail every later
// migration's foreign key check. They are dropped.
export const migration004 = {
  version: 4,
  name: 'orphan_deployments',
  sql: `DELETE FROM deployments WHERE provider_id NOT IN (SELECT id FROM providers);`,
};
