// Schema versions in order; `PRAGMA user_version` records how far a database has come.
import { migration001 } from './001_initial.js';
import { migration002 } from './002_key_aliases.js';
import { migration003 } from './003_deployments.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003];
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;
