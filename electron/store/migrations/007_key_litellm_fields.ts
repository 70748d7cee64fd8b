// Schema version 7: the rest of LiteLLM's key fields, stored and enforced: tags, a soft budget,
// per-model budgets and rate limits, and who created the key.
export const migration007 = {
  version: 7,
  name: 'key_litellm_fields',
  sql: `
    ALTER TABLE virtual_keys ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE virtual_keys ADD COLUMN soft_budget REAL;
    ALTER TABLE virtual_keys ADD COLUMN model_max_budget TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE virtual_keys ADD COLUMN model_rpm_limit TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE virtual_keys ADD COLUMN model_tpm_limit TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE virtual_keys ADD COLUMN created_by TEXT;
  `,
};
