// Provider credentials (name, family, api_base, API key). The key is sealed before it reaches
// the database and only `revealKey` (for the gateway's upstream calls) ever opens it.
import type { StoreDatabase } from './database.js';
import { ConflictError, NotFoundError } from './errors.js';
import type { SecretBox } from './secrets.js';

export interface ProviderCredential {
  id: string;
  name: string;
  family: string;
  apiBase: string | null;
  /** Last four characters of the key, or null when none is set; the key itself never leaves. */
  keyHint: string | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

export interface ProviderInput {
  name: string;
  family: string;
  apiBase: string | null;
  /** undefined keeps the stored key; null removes it. */
  apiKey?: string | null;
}

interface ProviderRow {
  id: string;
  name: string;
  family: string;
  api_base: string | null;
  api_key_sealed: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface ProviderRepository {
  create(id: string, input: ProviderInput, now: number): Promise<ProviderCredential>;
  list(): Promise<ProviderCredential[]>;
  update(id: string, input: ProviderInput, expectedVersion: number, now: number): Promise<ProviderCredential>;
  delete(id: string): Promise<boolean>;
  revealKey(id: string): Promise<string | null>;
}

export class SqlJsProviderRepository implements ProviderRepository {
  constructor(
    private readonly db: StoreDatabase,
    private readonly box: SecretBox,
  ) {}

  async create(id: string, input: ProviderInput, now: number): Promise<ProviderCredential> {
    const row = await this.db.write((tx) => {
      tx.run(
        'INSERT INTO providers (id, name, family, api_base, api_key_sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [id, input.name, input.family, input.apiBase, this.seal(input.apiKey), now, now],
      );
      return tx.get<ProviderRow>('SELECT * FROM providers WHERE id = ?', [id])!;
    });
    return this.toCredential(row);
  }

  async list(): Promise<ProviderCredential[]> {
    return this.db.all<ProviderRow>('SELECT * FROM providers ORDER BY name').map((row) => this.toCredential(row));
  }

  async update(id: string, input: ProviderInput, expectedVersion: number, now: number): Promise<ProviderCredential> {
    const row = await this.db.write((tx) => {
      const keyClause = input.apiKey === undefined ? '' : ', api_key_sealed = ?';
      const keyParam = input.apiKey === undefined ? [] : [this.seal(input.apiKey)];
      const changed = tx.run(
        `UPDATE providers SET name = ?, family = ?, api_base = ?${keyClause}, updated_at = ?, version = version + 1
         WHERE id = ? AND version = ?`,
        [input.name, input.family, input.apiBase, ...keyParam, now, id, expectedVersion],
      );
      const current = tx.get<ProviderRow>('SELECT * FROM providers WHERE id = ?', [id]);
      if (!current) throw new NotFoundError(`No provider with id ${id}.`);
      if (changed === 0) throw new ConflictError(this.toCredential(current));
      return current;
    });
    return this.toCredential(row);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.write((tx) => tx.run('DELETE FROM providers WHERE id = ?', [id]))) > 0;
  }

  async revealKey(id: string): Promise<string | null> {
    const row = this.db.get<ProviderRow>('SELECT api_key_sealed FROM providers WHERE id = ?', [id]);
    return row?.api_key_sealed ? this.box.open(row.api_key_sealed) : null;
  }

  private seal(apiKey: string | null | undefined): string | null {
    return apiKey ? this.box.seal(apiKey) : null;
  }

  private toCredential(row: ProviderRow): ProviderCredential {
    const key = row.api_key_sealed ? this.box.open(row.api_key_sealed) : null;
    return {
      id: row.id,
      name: row.name,
      family: row.family,
      apiBase: row.api_base,
      keyHint: key ? key.slice(-4) : null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      version: row.version,
    };
  }
}
