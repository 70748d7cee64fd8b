// Schema version 2: per-key model aliases (LiteLLM's key `aliases`), e.g. {"gpt-4": "gpt-4o"}.
export const migration002 = {
  version: 2,
  name: 'key_aliases',
  sql: `ALTER TABLE virtual_keys ADD COLUMN aliases TEXT NOT NULL DEFAULT '{}';`,
};
