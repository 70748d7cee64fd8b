import { describe, expect, it } from 'vitest';
import type { AlertSettings } from '../../../shared/alerts.js';
import { settingSaveRaces } from '../../helpers/races.js';
import { expectEveryMethodRan, STORE_KINDS } from '../../helpers/stores.js';

/** Every alert setting away from its default, so a field the JSON column loses shows up. */
function everySetting(n: number): AlertSettings {
  return {
    budgetThresholds: [50 + n, 90],
    keyThresholds: { key_a: [25 + n] },
    events: ['fallback', 'redis_unavailable'],
    failingMinutes: 2 + n,
    desktop: false,
    webhook: { url: `https://hooks.example/${n}`, format: 'slack', timeoutSeconds: 3 },
  };
}

describe.each(STORE_KINDS)('alert settings repository ($name)', (kind) => {
  it('is empty until saved, keeps every setting through a reopen, and bumps the version on each save', async () => {
    const { store, reopen } = await kind.open();
    expect(await store.alerts.get()).toBeNull();
    expect(await store.alerts.save(everySetting(1), 0, 100)).toMatchObject({ settings: everySetting(1), version: 1, createdAt: 100 });
    const second = await store.alerts.save(everySetting(2), 1, 200);
    expect(second).toMatchObject({ settings: everySetting(2), version: 2, createdAt: 100, updatedAt: 200 });
    const reopened = await reopen();
    expect(await reopened.alerts.get()).toEqual(second);
    await reopened.close();
  });

  it('answers a stale save, and a second first save, with a conflict carrying the row as it is', async () => {
    const { store } = await kind.open();
    const { staleCurrent } = await settingSaveRaces((n, version, at) => store.alerts.save(everySetting(n), version, at));
    expect(staleCurrent).toMatchObject({ settings: { failingMinutes: 5 }, version: 2 });
    await store.close();
  });
});

it('every alert settings method ran on both stores', () => expectEveryMethodRan('alerts'));
