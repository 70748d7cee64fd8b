import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../electron/store/errors.js';
import { expectEveryMethodRan, STORE_KINDS } from '../../helpers/stores.js';

describe.each(STORE_KINDS)('provider repository ($name)', (kind) => {
  it('keeps credentials sealed: lists by name with the last four characters only, and reveals the key to the gateway', async () => {
    const { store, reopen } = await kind.open();
    const created = await store.providers.create('prov_b', { name: 'Beta', family: 'anthropic', apiBase: 'https://b.example', apiKey: 'sk-ant-secret-9876' }, 10);
    expect(created).toEqual({
      id: 'prov_b',
      name: 'Beta',
      family: 'anthropic',
      apiBase: 'https://b.example',
      keyHint: '9876',
      keyHints: ['9876'],
      passthrough: false,
      proxy: null,
      createdAt: 10,
      updatedAt: 10,
      version: 1,
    });
    await store.providers.create('prov_a', { name: 'Alpha', family: 'openai', apiBase: null, apiKey: null }, 11);
    expect((await store.providers.list()).map((p) => [p.name, p.keyHint])).toEqual([
      ['Alpha', null],
      ['Beta', '9876'],
    ]);
    expect(await store.providers.revealKey('prov_b')).toBe('sk-ant-secret-9876');
    expect(await store.providers.revealKey('prov_a')).toBeNull();
    expect(await store.providers.revealKey('prov_missing')).toBeNull();
    const reopened = await reopen(); // sql.js: from the journal alone
    expect(await reopened.providers.revealKey('prov_b')).toBe('sk-ant-secret-9876');
    await reopened.close();
  });

  it('edits at the version read: an undefined key stays, null removes it, a stale version is a conflict carrying the current provider', async () => {
    const { store } = await kind.open();
    const created = await store.providers.create('prov_a', { name: 'A', family: 'openai', apiBase: null, apiKey: 'sk-first-1111' }, 1);
    const renamed = await store.providers.update('prov_a', { name: 'A2', family: 'openai', apiBase: 'http://127.0.0.1:1' }, created.version, 2);
    expect(renamed).toMatchObject({ name: 'A2', apiBase: 'http://127.0.0.1:1', keyHint: '1111', createdAt: 1, updatedAt: 2, version: 2 });
    expect(await store.providers.revealKey('prov_a')).toBe('sk-first-1111');

    const stale = store.providers.update('prov_a', { name: 'lost', family: 'openai', apiBase: null, apiKey: 'sk-lost' }, created.version, 3);
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ current: { name: 'A2', keyHint: '1111', version: 2 } });
    await expect(stale).rejects.not.toMatchObject({ current: { apiKeySealed: expect.anything() } });

    const rekeyed = await store.providers.update('prov_a', { name: 'A2', family: 'openai', apiBase: null, apiKey: 'sk-second-2222' }, 2, 4);
    expect(rekeyed).toMatchObject({ keyHint: '2222', version: 3 });
    const cleared = await store.providers.update('prov_a', { name: 'A2', family: 'openai', apiBase: null, apiKey: null }, 3, 5);
    expect(cleared).toMatchObject({ keyHint: null, version: 4 });
    expect(await store.providers.revealKey('prov_a')).toBeNull();
    await expect(store.providers.update('prov_missing', { name: 'x', family: 'openai', apiBase: null }, 1, 6)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('marks a provider whose clients sign in themselves (key "passthrough"), with no key hint', async () => {
    const { store } = await kind.open();
    const created = await store.providers.create('prov_c', { name: 'Claude login', family: 'anthropic', apiBase: null, apiKey: 'passthrough' }, 1);
    expect(created).toMatchObject({ keyHint: null, passthrough: true });
    const keyed = await store.providers.update('prov_c', { name: 'Claude login', family: 'anthropic', apiBase: null, apiKey: 'sk-ant-own-4321' }, 1, 2);
    expect(keyed).toMatchObject({ keyHint: '4321', passthrough: false });
  });

  it('keeps a pool of keys, each sealed: hints in order, all revealed to the gateway, the rest kept when only the first changes', async () => {
    const { store, reopen } = await kind.open();
    const created = await store.providers.create('prov_p', { name: 'Pool', family: 'openai', apiBase: null, apiKey: 'sk-pool-aaaa', moreKeys: ['sk-pool-bbbb', 'sk-pool-cccc'] }, 1);
    expect(created).toMatchObject({ keyHint: 'aaaa', keyHints: ['aaaa', 'bbbb', 'cccc'], version: 1 });
    expect(JSON.stringify(created)).not.toContain('sk-pool');
    expect(await store.providers.revealKeys('prov_p')).toEqual(['sk-pool-aaaa', 'sk-pool-bbbb', 'sk-pool-cccc']);
    const rekeyed = await store.providers.update('prov_p', { name: 'Pool', family: 'openai', apiBase: null, apiKey: 'sk-pool-dddd' }, 1, 2);
    expect(rekeyed).toMatchObject({ keyHints: ['dddd', 'bbbb', 'cccc'], version: 2 });
    const trimmed = await store.providers.update('prov_p', { name: 'Pool', family: 'openai', apiBase: null, moreKeys: [] }, 2, 3);
    expect(trimmed).toMatchObject({ keyHints: ['dddd'], version: 3 });
    await store.providers.update('prov_p', { name: 'Pool', family: 'openai', apiBase: null, moreKeys: ['sk-pool-eeee'] }, 3, 4);
    const reopened = await reopen();
    expect(await reopened.providers.revealKeys('prov_p')).toEqual(['sk-pool-dddd', 'sk-pool-eeee']);
    expect(await reopened.providers.revealKeys('prov_missing')).toEqual([]);
    await reopened.close();
  });

  it('deletes a provider once', async () => {
    const { store } = await kind.open();
    await store.providers.create('prov_a', { name: 'A', family: 'openai', apiBase: null, apiKey: 'sk-a' }, 1);
    expect(await store.providers.delete('prov_a')).toBe(true);
    expect(await store.providers.delete('prov_a')).toBe(false);
    expect(await store.providers.list()).toEqual([]);
  });
});

describe('the provider repository suite', () => {
  it('runs every ProviderRepository method on both stores', () => expectEveryMethodRan('providers'));
});
