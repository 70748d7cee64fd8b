// Schema version 15: capture. A key may keep its request and answer bodies in the request log
// (off, failed requests only, or all; null follows the app's setting, which lives with the log's
// retention). Replayed requests name the row they replayed: the embedded log's rows gain the field
// as they are written and older ones read it as null (pg/migrations/015 adds the columns there).
export const migration015 = {
  version: 15,
  name: 'capture',
  sql: `
    ALTER TABLE virtual_keys ADD COLUMN capture TEXT;
  `,
};
