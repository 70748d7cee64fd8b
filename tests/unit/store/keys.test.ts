import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../electron/store/errors.js';
import { freshStore, newKey } from '../../helpers/store.js';

describe('virtual key repository', () => {
  it('lets exactly one of two updates at the same version win; the other gets the current row', async () => {
    const { store } = await freshStore();
    const key = await store.keys.create(newKey());
    const results = await Promise.allSettled([
      store.keys.updateModels(key.id, ['a'], key.version),
      store.keys.updateModels(key.id, ['b'], key.version),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
    expect((lost[0]!.reason as ConflictError<{ models: string[]; version: number }>).current).toMatchObject({ models: ['a'], version: 2 });
    await store.close();
  });

  it('counts usage with atomic increments that never conflict with edits', async () => {
    const { store } = await freshStore();
    const key = await store.keys.create(newKey());
    await Promise.all([
      store.keys.recordUsage([{ keyId: key.id, requests: 1, tokens: 10, cost: 0.5, lastUsedAt: 5 }]),
      store.keys.updateExpiry(key.id, null, key.version),
      store.keys.recordUsage([{ keyId: key.id, requests: 2, tokens: 5, cost: 0.25, lastUsedAt: 3 }]),
    ]);
    expect(await store.keys.findById(key.id)).toMatchObject({ totalRequests: 3, totalTokens: 15, spend: 0.75, lastUsedAt: 5, version: 2 });
    await store.close();
  });

  it('lists by status newest first with pagination, and counts by status', async () => {
    const { store } = await freshStore();
    const now = 1_900_000_000_000;
    const active = await Promise.all([1, 2, 3].map(() => store.keys.create(newKey())));
    const revoked = await store.keys.create(newKey({ blocked: true }));
    const expired = await store.keys.create(newKey({ expiresAt: now - 1 }));
    expect(await store.keys.countByStatus(now)).toEqual({ active: 3, revoked: 1, expired: 1 });
    const page1 = await store.keys.list({ status: 'active', page: 1, size: 2, now });
    const page2 = await store.keys.list({ status: 'active', page: 2, size: 2, now });
    expect(page1.total).toBe(3);
    expect([...page1.keys, ...page2.keys].map((k) => k.id)).toEqual(active.map((k) => k.id).reverse());
    expect((await store.keys.list({ status: 'revoked', page: 1, size: 10, now })).keys.map((k) => k.id)).toEqual([revoked.id]);
    expect(await store.keys.deleteExpired(now)).toBe(1);
    expect(await store.keys.findById(expired.id)).toBeNull();
    await store.close();
  });

  it('finds by hash and by owner, and never returns the hash', async () => {
    const { store } = await freshStore();
    const input = newKey({ userId: 'ada', teamId: 'core' });
    await store.keys.create(newKey({ userId: 'bob' }));
    const created = await store.keys.create(input);
    expect(created).not.toHaveProperty('keyHash');
    expect((await store.keys.findByHash(input.keyHash))?.id).toBe(created.id);
    expect((await store.keys.listByOwner({ userId: 'ada' })).map((k) => k.id)).toEqual([created.id]);
    expect((await store.keys.listByOwner({ teamId: 'core' })).map((k) => k.id)).toEqual([created.id]);
    await store.close();
  });
});
