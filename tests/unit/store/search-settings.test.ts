// The web search provider's row on both stores: absent until saved, versioned, its key sealed
// at rest and opened only by reveal(), kept through a reopen.
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../electron/store/errors.js';
import { expectEveryMethodRan, STORE_KINDS } from '../../helpers/stores.js';

describe.each(STORE_KINDS)('search settings repository ($name)', (kind) => {
  it('is empty until saved, then versioned; the key shows as its last four characters and is kept when left out', async () => {
    const { store, reopen } = await kind.open();
    expect(await store.searchSettings.get()).toBeNull();
    expect(await store.searchSettings.reveal()).toBeNull();
    const first = await store.searchSettings.save({ kind: 'brave', url: null, apiKey: 'BSA-secret-1234' }, 0, 100);
    expect(first).toEqual({ kind: 'brave', url: null, keyHint: '1234', version: 1 });
    const second = await store.searchSettings.save({ kind: 'brave', url: 'http://127.0.0.1:9' }, 1, 200);
    expect(second).toEqual({ kind: 'brave', url: 'http://127.0.0.1:9', keyHint: '1234', version: 2 });
    const reopened = await reopen();
    expect(await reopened.searchSettings.reveal()).toEqual({ kind: 'brave', url: 'http://127.0.0.1:9', apiKey: 'BSA-secret-1234' });
    const off = await reopened.searchSettings.save({ kind: null, url: null, apiKey: null }, 2, 300);
    expect(off).toEqual({ kind: null, url: null, keyHint: null, version: 3 });
    await reopened.close();
  });

  it('refuses a stale save with a conflict carrying the row as it is', async () => {
    const { store } = await kind.open();
    await store.searchSettings.save({ kind: 'searxng', url: 'http://127.0.0.1:8080' }, 0, 1);
    const stale = store.searchSettings.save({ kind: 'tavily', url: null, apiKey: 'tvly-x' }, 0, 2);
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ current: { kind: 'searxng', version: 1 } });
  });

  it('never stores the key in the clear', async () => {
    const { store } = await kind.open();
    await store.searchSettings.save({ kind: 'exa', url: null, apiKey: 'exa-plain-secret' }, 0, 1);
    expect(JSON.stringify(await store.searchSettings.get())).not.toContain('exa-plain-secret');
  });
});

it('runs every SearchSettingsRepository method on both stores', () => expectEveryMethodRan('searchSettings'));
