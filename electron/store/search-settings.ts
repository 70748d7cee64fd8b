// The web search provider made in the app: one versioned row (id 'global'), absent until first
// saved. A save names the version it read (0 for the first); the key is sealed like provider
// keys and only `reveal` (for the gateway's searches) opens it.
import type { SearchProviderKind } from '../../shared/search.js';
import { defineTable, nullable, text, textOf, updateVersioned, ROW_VERSION } from './columns.js';
import { ConflictError } from './errors.js';
import type { SecretBox } from './secrets.js';
import type { SqlConnection, SqlReader } from './sql.js';

export interface StoredSearchSettings {
  id: string;
  kind: SearchProviderKind | null;
  url: string | null;
  apiKeySealed: string | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/** The row as callers see it: the key opened only to show its last four characters. */
export interface SearchSettingsRow {
  kind: SearchProviderKind | null;
  url: string | null;
  keyHint: string | null;
  version: number;
}

export interface SearchSettingsInput {
  kind: SearchProviderKind | null;
  url: string | null;
  /** undefined keeps the stored key; null removes it. */
  apiKey?: string | null;
}

const SEARCH = defineTable<StoredSearchSettings>('search_settings', {
  id: text('id'),
  kind: nullable(textOf<SearchProviderKind>('kind')),
  url: nullable(text('url')),
  apiKeySealed: nullable(text('api_key_sealed')),
  ...ROW_VERSION,
});

const ROW_ID = 'global';

export interface SearchSettingsRepository {
  get(): Promise<SearchSettingsRow | null>;
  /** `expectedVersion` 0 means "never saved yet"; a stale one: ConflictError carrying the row (or null). */
  save(input: SearchSettingsInput, expectedVersion: number, now: number): Promise<SearchSettingsRow>;
  /** The setting with its key opened, for the searches themselves. */
  reveal(): Promise<{ kind: SearchProviderKind | null; url: string | null; apiKey: string | null } | null>;
}

export class SqlSearchSettingsRepository implements SearchSettingsRepository {
  constructor(
    private readonly db: SqlConnection,
    private readonly box: SecretBox,
  ) {}

  async get(): Promise<SearchSettingsRow | null> {
    const row = await readRow(this.db);
    return row ? this.view(row) : null;
  }

  async save(input: SearchSettingsInput, expectedVersion: number, now: number): Promise<SearchSettingsRow> {
    const apiKeySealed = input.apiKey === undefined ? undefined : input.apiKey ? this.box.seal(input.apiKey) : null;
    const fields = { kind: input.kind, url: input.url, ...(apiKeySealed === undefined ? {} : { apiKeySealed }) };
    const row = await this.db.transaction(async (tx) => {
      const current = await readRow(tx, this.db.dialect.forUpdate);
      if ((current?.version ?? 0) !== expectedVersion) throw new ConflictError(current ? this.view(current) : null);
      if (current) return updateVersioned(tx, SEARCH, { id: ROW_ID, set: { ...fields, updatedAt: now }, expectedVersion, noun: 'search settings', view: (stored) => this.view(stored) });
      const inserted = await SEARCH.insert(tx, { id: ROW_ID, apiKeySealed: null, ...fields, createdAt: now, updatedAt: now }, 'ON CONFLICT (id) DO NOTHING');
      if (!inserted) throw new ConflictError(null);
      return inserted;
    });
    return this.view(row);
  }

  async reveal(): Promise<{ kind: SearchProviderKind | null; url: string | null; apiKey: string | null } | null> {
    const row = await readRow(this.db);
    return row ? { kind: row.kind, url: row.url, apiKey: row.apiKeySealed ? this.box.open(row.apiKeySealed) : null } : null;
  }

  private view(row: StoredSearchSettings): SearchSettingsRow {
    const key = row.apiKeySealed ? this.box.open(row.apiKeySealed) : null;
    return { kind: row.kind, url: row.url, keyHint: key ? key.slice(-4) : null, version: row.version };
  }
}

async function readRow(reader: SqlReader, lock = ''): Promise<StoredSearchSettings | null> {
  return (await SEARCH.get(reader, `WHERE id = ? ${lock}`, [ROW_ID])) ?? null;
}
