import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../electron/store/errors.js';
import type { KeySettings } from '../../../shared/keys.js';
import { emptySettings } from '../../../electron/store/keys.js';
import { oneWriteWins } from '../../helpers/races.js';
import { newKey } from '../../helpers/store.js';
import { expectEveryMethodRan, STORE_KINDS } from '../../helpers/stores.js';

/** Every setting away from its empty value, so a column the map misses shows up. */
function everySetting(n: number): KeySettings {
  return {
    keyAlias: `alias-${n}`,
    userId: `user-${n}`,
    teamId: `team-${n}`,
    models: [`model-${n}`, 'gpt-4o'],
    aliases: { [`alias-${n}`]: 'gpt-4o' },
    rpmLimit: 10 + n,
    tpmLimit: 1000 + n,
    maxParallelRequests: 2 + n,
    maxBudget: 5.5 + n,
    budgetDuration: `${n + 1}d`,
    budgetResetAt: 1_900_000_000_000 + n,
    expiresAt: 2_000_000_000_000 + n,
    blocked: n % 2 === 1,
    metadata: { n, nested: { tags: ['a'] } },
    tags: [`tag-${n}`],
    softBudget: 1.5 + n,
    modelMaxBudget: { 'gpt-4o': { budget_limit: 0.5 + n, time_period: '1d' } },
    modelRpmLimit: { 'gpt-4o': 5 + n },
    modelTpmLimit: { 'gpt-4o': 500 + n },
    capture: n % 2 === 1 ? 'failed' : 'all',
  };
}

describe.each(STORE_KINDS)('virtual key repository ($name)', (kind) => {
  it('keeps every setting it is given, through create, update and a reopen (sql.js: a journal replay)', async () => {
    const { store, reopen } = await kind.open();
    const created = await store.keys.create(newKey(everySetting(1)));
    expect(created).toMatchObject({ ...everySetting(1), version: 1 });
    const updated = await store.keys.update(created.id, everySetting(2), 1);
    expect(updated).toMatchObject({ ...everySetting(2), version: 2 });
    const reopened = await reopen(); // sql.js: the journal alone carries both writes
    expect(await reopened.keys.findById(created.id)).toEqual(updated);
    await reopened.close();
  });

  it('starts keys from fresh empty settings each time', () => {
    const a = emptySettings();
    a.models.push('gpt-4o');
    a.metadata.x = 1;
    expect(emptySettings()).toMatchObject({ models: [], aliases: {}, metadata: {}, blocked: false, keyAlias: null, expiresAt: null });
  });

  it('lets exactly one of two updates at the same version win; the other gets the current row', async () => {
    const { store } = await kind.open();
    const key = await store.keys.create(newKey());
    const { won, current } = await oneWriteWins([store.keys.update(key.id, { ...emptySettings(), models: ['a'] }, key.version), store.keys.update(key.id, { ...emptySettings(), models: ['b'] }, key.version)]);
    // Either may win (on PostgreSQL the two run on separate connections); the refusal carries the winner's row.
    expect(won.models).toHaveLength(1);
    expect(current).toMatchObject({ models: won.models, version: 2 });
    expect(current).not.toHaveProperty('keyHash');
    await expect(store.keys.setActive('key_missing', false)).rejects.toBeInstanceOf(NotFoundError);
    await store.close();
  });

  it('counts usage with atomic increments that never conflict with edits', async () => {
    const { store } = await kind.open();
    const key = await store.keys.create(newKey());
    const usage = (requests: number, tokens: number, cost: number, lastUsedAt: number) => store.usage.recordBatch({ daily: [], keys: [{ keyId: key.id, requests, tokens, cost, lastUsedAt }] });
    await Promise.all([usage(1, 10, 0.5, 5), store.keys.setActive(key.id, false, key.version), usage(2, 5, 0.25, 3)]);
    expect(await store.keys.findById(key.id)).toMatchObject({ totalRequests: 3, totalTokens: 15, spend: 0.75, lastUsedAt: 5, blocked: true, version: 2 });
    await store.close();
  });

  it('lists by status newest first with pagination, and counts by status', async () => {
    const { store } = await kind.open();
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
    expect((await store.keys.list({ status: 'expired', page: 1, size: 10, now })).keys.map((k) => k.id)).toEqual([expired.id]);
    await store.close();
  });

  it('lists the keys refused for their spent budget as over_budget (not revoked ones, nor those whose reset is due), and not among the served', async () => {
    const { store } = await kind.open();
    const now = 1_900_000_000_000;
    const over = await store.keys.create(newKey({ maxBudget: 1 }));
    const keys = [
      over,
      await store.keys.create(newKey({ maxBudget: 5 })),
      await store.keys.create(newKey({ maxBudget: 1, budgetResetAt: now - 1 })),
      await store.keys.create(newKey({ maxBudget: 1, blocked: true })),
      await store.keys.create(newKey()),
    ];
    await store.usage.recordBatch({ daily: [], keys: keys.map((key) => ({ keyId: key.id, requests: 1, tokens: 10, cost: 2, lastUsedAt: now })) });
    const listed = await store.keys.list({ status: 'over_budget', page: 1, size: 10, now });
    expect(listed).toMatchObject({ total: 1, keys: [{ id: over.id }] });
    // The app's "active" (served) leaves the over-budget one out; the status field's "active" (LiteLLM's API, the CLI) keeps it.
    const served = await store.keys.list({ status: 'served', page: 1, size: 10, now });
    expect(served.keys.map((key) => key.id).sort()).toEqual([keys[1]!.id, keys[2]!.id, keys[4]!.id].sort());
    expect((await store.keys.list({ status: 'active', page: 1, size: 10, now })).total).toBe(4);
    await store.close();
  });

  it('finds by hash and by owner, and never returns the hash', async () => {
    const { store } = await kind.open();
    const now = 1_900_000_000_000;
    const input = newKey({ userId: 'ada', teamId: 'core' });
    await store.keys.create(newKey({ userId: 'bob' }));
    const created = await store.keys.create(input);
    expect(created).not.toHaveProperty('keyHash');
    expect((await store.keys.findByHash(input.keyHash))?.id).toBe(created.id);
    const owned = (owner: { userId?: string; teamId?: string }) => store.keys.list({ ...owner, page: 1, size: 10, now });
    expect((await owned({ userId: 'ada' })).keys.map((k) => k.id)).toEqual([created.id]);
    expect((await owned({ teamId: 'core' })).keys.map((k) => k.id)).toEqual([created.id]);
    expect((await owned({ userId: 'ada' })).keys[0]).not.toHaveProperty('keyHash');
    await store.close();
  });

  it('labels keys by alias, else by prefix, and names the keys whose models or aliases point at a model', async () => {
    const { store } = await kind.open();
    const byModel = await store.keys.create(newKey({ keyAlias: 'by-model', models: ['claude', 'gpt-4o'] }));
    const byAlias = await store.keys.create(newKey({ aliases: { fast: 'gpt-4o' } }));
    // An alias *named* gpt-4o that points elsewhere does not name it.
    await store.keys.create(newKey({ keyAlias: 'other', models: ['claude'], aliases: { 'gpt-4o': 'claude' } }));
    const prefixLabel = `${byAlias.keyPrefix}…`;
    expect(await store.keys.naming('gpt-4o')).toEqual([
      { id: byModel.id, label: 'by-model' },
      { id: byAlias.id, label: prefixLabel },
    ]);
    expect(await store.keys.naming('gpt-4o-mini')).toEqual([]);
    const labels = await store.keys.labels([byAlias.id, byModel.id, byModel.id, '', 'key_missing']);
    expect([...labels.entries()].sort()).toEqual(
      [
        [byModel.id, 'by-model'],
        [byAlias.id, prefixLabel],
      ].sort(),
    );
    expect((await store.keys.labels([])).size).toBe(0);
  });

  it('swaps a secret at the version read: the new hash finds the key, the old one no longer does, settings and counters stay', async () => {
    const { store } = await kind.open();
    const input = newKey({ keyAlias: 'rotating', models: ['gpt-4o'] });
    const key = await store.keys.create(input);
    await store.usage.recordBatch({ daily: [], keys: [{ keyId: key.id, requests: 2, tokens: 20, cost: 0.5, lastUsedAt: 9 }] });
    const next = newKey();
    const swapped = await store.keys.replaceSecret(key.id, { keyHash: next.keyHash, keyPrefix: next.keyPrefix }, key.version);
    expect(swapped).toMatchObject({ id: key.id, keyPrefix: next.keyPrefix, keyAlias: 'rotating', models: ['gpt-4o'], totalRequests: 2, spend: 0.5, version: 2 });
    expect(swapped).not.toHaveProperty('keyHash');
    expect((await store.keys.findByHash(next.keyHash))?.id).toBe(key.id);
    expect(await store.keys.findByHash(input.keyHash)).toBeNull();
    // A second swap naming the version the first one read is refused, carrying the key as it is.
    const stale = store.keys.replaceSecret(key.id, { keyHash: newKey().keyHash, keyPrefix: 'sk-lg-stale' }, key.version);
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ current: { keyPrefix: next.keyPrefix, version: 2 } });
    await expect(store.keys.replaceSecret('key_missing', { keyHash: 'h', keyPrefix: 'p' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("resets a key's budget period: spend back to zero, the next reset recorded, lifetime totals and the version kept", async () => {
    const { store } = await kind.open();
    const key = await store.keys.create(newKey({ maxBudget: 5, budgetDuration: '1d', budgetResetAt: 100 }));
    await store.usage.recordBatch({ daily: [], keys: [{ keyId: key.id, requests: 3, tokens: 30, cost: 1.25, lastUsedAt: 50 }] });
    await store.keys.resetBudget(key.id, 86_400_100);
    expect(await store.keys.findById(key.id)).toMatchObject({ spend: 0, totalSpend: 1.25, totalRequests: 3, budgetResetAt: 86_400_100, version: 1 });
    await store.keys.resetBudget('key_missing', 1); // nothing to reset: no error
  });

  it('tells listeners of each change with the stored row (null when deleted), and hands every key with its hash to the auth cache', async () => {
    const { store } = await kind.open();
    const heard: Array<[string, string | null]> = [];
    store.keys.onChange((id, key) => heard.push([id, key ? key.keyHash : null]));
    const inputs = [newKey(), newKey()];
    const [first, second] = [await store.keys.create(inputs[0]!), await store.keys.create(inputs[1]!)];
    await store.keys.setActive(first.id, false, first.version);
    expect(await store.keys.delete(second.id)).toBe(true);
    expect(await store.keys.delete(second.id)).toBe(false);
    expect(heard).toEqual([
      [first.id, inputs[0]!.keyHash],
      [second.id, inputs[1]!.keyHash],
      [first.id, inputs[0]!.keyHash],
      [second.id, null],
    ]);
    expect(await store.keys.findById(second.id)).toBeNull();
    const forAuth = await store.keys.loadAllForAuth();
    expect(forAuth).toEqual([expect.objectContaining({ id: first.id, keyHash: inputs[0]!.keyHash, blocked: true, version: 2 })]);
  });
});

describe('the key repository suite', () => {
  it('runs every KeyRepository method on both stores', () => expectEveryMethodRan('keys'));
});
