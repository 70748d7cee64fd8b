// Provider credentials on PostgreSQL, sealed under the data key exactly as in the sql.js store.
// A delete takes the provider's deployments along (foreign key), in one transaction.
import { credentialOf, providerFields, PROVIDERS, type ProviderCredential, type ProviderInput, type ProviderRepository } from '../providers.js';
import type { SecretBox } from '../secrets.js';
import { insertRows, selectAll, selectOne, type PgDatabase } from './database.js';
import { updateVersioned } from './versioned.js';

export class PgProviderRepository implements ProviderRepository {
  constructor(
    private readonly db: PgDatabase,
    private readonly box: SecretBox,
    /** Called when a delete took deployments with it (ON DELETE CASCADE), for their listeners. */
    private readonly deploymentsCascaded: () => void = () => undefined,
  ) {}

  async create(id: string, input: ProviderInput, now: number): Promise<ProviderCredential> {
    const row = await this.db.transaction(async (tx) => {
      await insertRows(tx, PROVIDERS, [{ id, ...providerFields(this.box, input), createdAt: now, updatedAt: now }]);
      return (await selectOne(tx, PROVIDERS, 'WHERE id = ?', [id]))!;
    });
    return credentialOf(this.box, row);
  }

  async list(): Promise<ProviderCredential[]> {
    return (await selectAll(this.db, PROVIDERS, 'ORDER BY name')).map((row) => credentialOf(this.box, row));
  }

  async update(id: string, input: ProviderInput, expectedVersion: number, now: number): Promise<ProviderCredential> {
    const set = { ...providerFields(this.box, input), updatedAt: now };
    const row = await this.db.transaction((tx) =>
      updateVersioned(tx, PROVIDERS, { id, set, expectedVersion, noun: 'provider', view: (current) => credentialOf(this.box, current) }),
    );
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
    const sealed = (await selectOne(this.db, PROVIDERS, 'WHERE id = ?', [id]))?.apiKeySealed;
    return sealed ? this.box.open(sealed) : null;
  }
}
