// Schema version 7 on PostgreSQL: LiteLLM's other key fields, as the sql.js store's 007.
import { migration007 } from '../../migrations/007_key_litellm_fields.js';

export const pgMigration007 = {
  version: migration007.version,
  name: migration007.name,
  sql: `
ALTER TABLE virtual_keys ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE virtual_keys ADD COLUMN soft_budget DOUBLE PRECISION;
ALTER TABLE virtual_keys ADD COLUMN model_max_budget TEXT NOT NULL DEFAULT '{}';
ALTER TABLE virtual_keys ADD COLUMN model_rpm_limit TEXT NOT NULL DEFAULT '{}';
ALTER TABLE virtual_keys ADD COLUMN model_tpm_limit TEXT NOT NULL DEFAULT '{}';
ALTER TABLE virtual_keys ADD COLUMN created_by TEXT;
`,
};
