// A database of its own for each test file (or test) on the run's throw-away PostgreSQL, so
// files run in parallel without seeing each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DATABASE_URL_VAR } from './global-setup.js';

function adminUrl(): string {
  const url = process.env[DATABASE_URL_VAR];
  if (!url) throw new Error(`${DATABASE_URL_VAR} is not set: the vitest globalSetup (tests/helpers/services/global-setup.ts) starts PostgreSQL and sets it`);
  return url;
}

/** Creates an empty database and returns its URL. */
export async function createTestDatabase(prefix = 'lg'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}
