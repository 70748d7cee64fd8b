// Provider credentials (name, family, api_base, API key). The key is sealed before it reaches
// the database and only `revealKey` (for the gateway's upstream calls) ever opens it.
import { PASSTHROUGH_KEY } from '../../shared/providers.js';
import { defineTable, nullable, number, text, updateVersioned } from './columns.js';
import type { SecretBox } from './secrets.js';
import type { SqlConnection } from './sql.js';

export interface ProviderCredential {
  id: string;
  name: string;
  family: string;
  apiBase: string | null;
  /** Last four characters of the key, or null when none is set (or the client signs in); the key itself never leaves. */
  keyHint: string | null;
  /** The key is the word `passthrough`: each client's own sign-in goes upstream. */
  passthrough: boolean;
  /** A proxy URL (http://, socks5://), `direct`, or null to follow HTTPS_PROXY / NO_PROXY. */
  proxy: string | null;
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
  /** undefined keeps the stored proxy setting. */
  proxy?: string | null;
}

/** A providers row; the key stays sealed (AES-256-GCM under the data key, base64). */
export type StoredProvider = Omit<ProviderCredential, 'keyHint' | 'passthrough'> & { apiKeySealed: string | null };

export const PROVIDERS = defineTable<StoredProvider>('providers', {
  id: text('id'),
  name: text('name'),
  family: text('family'),
  apiBase: nullable(text('api_base')),
  apiKeySealed: nullable(text('api_key_sealed')),
  proxy: nullable(text('proxy')),
  createdAt: number('created_at'),
  updatedAt: number('updated_at'),
  version: number('version'),
});

export interface ProviderRepository {
  create(id: string, input: ProviderInput, now: number): Promise<ProviderCredential>;
  list(): Promise<ProviderCredential[]>;
  update(id: string, input: ProviderInput, expectedVersion: number, now: number): Promise<ProviderCredential>;
  /** Deletes the provider and, through the foreign key, its deployments. */
  delete(id: string): Promise<boolean>;
  revealKey(id: string): Promise<string | null>;
}

export class SqlProviderRepository implements ProviderRepository {
  constructor(
    private readonly db: SqlConnection,
    private readonly box: SecretBox,
    /** Called when a delete took deployments with it (ON DELETE CASCADE), for their listeners. */
    private readonly deploymentsCascaded: () => void = () => undefined,
  ) {}

  async create(id: string, input: ProviderInput, now: number): Promise<ProviderCredential> {
    const fields = { id, ...providerFields(this.box, input), createdAt: now, updatedAt: now };
    const row = await this.db.transaction(async (tx) => (await PROVIDERS.insert(tx, fields))!);
    return credentialOf(this.box, row);
  }

  async list(): Promise<ProviderCredential[]> {
    return (await PROVIDERS.all(this.db, 'ORDER BY name')).map((row) => credentialOf(this.box, row));
  }

  async update(id: string, input: ProviderInput, expectedVersion: number, now: number): Promise<ProviderCredential> {
    const set = { ...providerFields(this.box, input), updatedAt: now };
    const row = await this.db.transaction((tx) => updateVersioned(tx, PROVIDERS, { id, set, expectedVersion, noun: 'provider', view: (current) => credentialOf(this.box, current) }));
    return credentialOf(this.box, row);
  }

  async delete(id: string): Promise<boolean> {
    const { deleted, cascaded } = await this.db.transaction(async (tx) => {
      const dependents = (await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM deployments WHERE provider_id = ?', [id]))?.n ?? 0;
      return { deleted: await tx.run('DELETE FROM providers WHERE id = ?', [id]), cascaded: dependents };
    });
    if (cascaded > 0) this.deploymentsCascaded();
    return deleted > 0;
  }

  async revealKey(id: string): Promise<string | null> {
    const sealed = (await PROVIDERS.get(this.db, 'WHERE id = ?', [id]))?.apiKeySealed;
    return sealed ? this.box.open(sealed) : null;
  }
}

/** The fields an input sets, the key sealed; an `apiKey` left undefined keeps the stored key. */
function providerFields(box: SecretBox, input: ProviderInput): Partial<StoredProvider> {
  const apiKeySealed = input.apiKey === undefined ? undefined : input.apiKey ? box.seal(input.apiKey) : null;
  return { name: input.name, family: input.family, apiBase: input.apiBase, apiKeySealed, ...(input.proxy === undefined ? {} : { proxy: input.proxy }) };
}

/** A stored row as callers see it: the key opened only to show its last four characters. */
function credentialOf(box: SecretBox, { apiKeySealed, ...row }: StoredProvider): ProviderCredential {
  const key = apiKeySealed ? box.open(apiKeySealed) : null;
  const passthrough = key === PASSTHROUGH_KEY;
  return { ...row, keyHint: key && !passthrough ? key.slice(-4) : null, passthrough };
}
