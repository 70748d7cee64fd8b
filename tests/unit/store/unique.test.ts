// A value the schema holds unique, written twice, is one typed error on both stores, naming the
// table and column (the services answer it as a `conflict` naming the field); nothing is written.
import { describe, expect, it } from 'vitest';
import { UniqueViolationError } from '../../../electron/store/errors.js';
import { newKey } from '../../helpers/store.js';
import { STORE_KINDS } from '../../helpers/stores.js';

describe.each(STORE_KINDS)('unique values ($name)', (kind) => {
  it('a second provider with a name in use fails naming providers.name, and the first stays as it was', async () => {
    const { store } = await kind.open();
    await store.providers.create('prov_a', { name: 'Same', family: 'openai', apiBase: null, apiKey: 'sk-a' }, 1);
    const second = store.providers.create('prov_b', { name: 'Same', family: 'anthropic', apiBase: null, apiKey: null }, 2);
    await expect(second).rejects.toBeInstanceOf(UniqueViolationError);
    await expect(second).rejects.toMatchObject({ table: 'providers', column: 'name' });
    const other = await store.providers.create('prov_c', { name: 'Other', family: 'openai', apiBase: null }, 3);
    await expect(store.providers.update(other.id, { name: 'Same', family: 'openai', apiBase: null }, other.version, 4)).rejects.toMatchObject({ table: 'providers', column: 'name' });
    expect((await store.providers.list()).map((provider) => [provider.id, provider.name, provider.version])).toEqual([
      ['prov_c', 'Other', 1],
      ['prov_a', 'Same', 1],
    ]);
  });

  it('a second key with the same secret fails naming virtual_keys.key_hash', async () => {
    const { store } = await kind.open();
    const first = newKey();
    await store.keys.create(first);
    await expect(store.keys.create(newKey({ keyHash: first.keyHash }))).rejects.toMatchObject({ table: 'virtual_keys', column: 'key_hash' });
    expect((await store.keys.list({ page: 1, size: 10, now: 0 })).total).toBe(1);
  });
});
