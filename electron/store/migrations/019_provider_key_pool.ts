// Schema version 19: a provider's key pool (issue 29): keys beside `api_key_sealed`, each sealed
// on its own like it, as a JSON list; NULL for a provider with one key (or none), as before.
export const migration019 = {
  version: 19,
  name: 'provider_key_pool',
  sql: `
ALTER TABLE providers ADD COLUMN more_keys_sealed TEXT;
`,
};
