// Provider credentials (name, family, api_base, API keys). Each key is sealed before it reaches
// the database and only `revealKey` / `revealKeys` (for the gateway's upstream calls) open them.
// A provider may hold a pool of keys: the first in `api_key_sealed`, the rest beside it.
import { PASSTHROUGH_KEY } from '../../shared/providers.js';
import { defineTable, json, nullable, text, updateVersioned, ROW_VERSION, type RowRepository } from './columns.js';
import type { SecretBox } from './secrets.js';
import type { SqlConnection } from './sql.js';

export interface ProviderCredential {
  id: string;
  name: string;
  family: string;
  apiBase: string | null;
  /** Last four characters of the key, or null when none is set (or the client signs in); the key itself never leaves. */
  keyHint: string | null;
  /** The last four characters of every key of its pool, the first one's first; empty when it has none. */
  keyHints: string[];
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
  /** The pool's keys after the first; undefined keeps the stored ones. */
  moreKeys?: string[];
  /** undefined keeps the stored proxy setting. */
  proxy?: string | null;
}

/** A providers row; the key stays sealed (AES-256-GCM under the data key, base64). */
export type StoredProvider = Omit<ProviderCredential, 'keyHint' | 'keyHints' | 'passthrough'> & { apiKeySealed: string | null; moreKeysSealed: string[] | null };

export const PROVIDERS = defineTable<StoredProvider>('providers', {
  id: text('id'),
  name: text('name'),
  family: text('family'),
  apiBase: nullable(text('api_base')),
  apiKeySealed: nullable(text('api_key_sealed')),
  moreKeysSealed: nullable(json<string[]>('more_keys_sealed', [])),
  proxy: nullable(text('proxy')),
  ...ROW_VERSION,
});

export interface ProviderRepository extends RowRepository<ProviderCredential, ProviderInput> {
  /** Deletes the provider and, through the foreign key, its deployments. */
  delete(id: string): Promise<boolean>;
  revealKey(id: string): Promise<string | null>;
  /** Every key of its pool, the first one first; empty when it has none. */
  revealKeys(id: string): Promise<string[]>;
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

  async revealKeys(id: string): Promise<string[]> {
    const row = await PROVIDERS.get(this.db, 'WHERE id = ?', [id]);
    return row ? openKeys(this.box, row) : [];
  }
}

/** The fields an input sets, the key sealed; an `apiKey` left undefined keeps the stored key. */
function providerFields(box: SecretBox, input: ProviderInput): Partial<StoredProvider> {
  const apiKeySealed = input.apiKey === undefined ? undefined : input.apiKey ? box.seal(input.apiKey) : null;
  const moreKeysSealed = input.moreKeys === undefined ? undefined : input.moreKeys.length > 0 ? input.moreKeys.map((key) => box.seal(key)) : null;
  return {
    name: input.name,
    family: input.family,
    apiBase: input.apiBase,
    apiKeySealed,
    ...(moreKeysSealed === undefined ? {} : { moreKeysSealed }),
    ...(input.proxy === undefined ? {} : { proxy: input.proxy }),
  };
}

/** A row's keys opened, the first one first. */
function openKeys(box: SecretBox, row: StoredProvider): string[] {
  return [row.apiKeySealed, ...(row.moreKeysSealed ?? [])].filter((sealed): sealed is string => !!sealed).map((sealed) => box.open(sealed));
}

/** A stored row as callers see it: the key opened only to show its last four characters. */
function credentialOf(box: SecretBox, stored: StoredProvider): ProviderCredential {
  const { apiKeySealed: _key, moreKeysSealed: _more, ...row } = stored;
  const keys = openKeys(box, stored);
  const passthrough = keys[0] === PASSTHROUGH_KEY;
  const keyHints = passthrough ? [] : keys.map((key) => key.slice(-4));
  return { ...row, keyHint: keyHints[0] ?? null, keyHints, passthrough };
}
