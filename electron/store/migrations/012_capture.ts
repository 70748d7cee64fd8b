// Schema version 12: capture. A key may keep its request and answer bodies in the request log
// (off, failed requests only, or all; null follows the app's setting, which lives with the log's
// retention). Replayed requests name the row they replayed: the embedded log's rows gain the field
// as they are written and older ones read it as null (pg/migrations/012 adds the columns there).
export const migration012 = {
  version: 12,
  name: 'capture',
  sql: `
    ALTER TABLE virtual_keys ADD COLUMN capture TEXT;
  `,
};
