import { describe, expect, it, onTestFinished } from 'vitest';
import type { AlertSettings } from '../../../shared/alerts.js';
import { settingSaveRaces } from '../../helpers/races.js';
import { freshStore, sqlJsDatabase } from '../../helpers/store.js';
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

describe('the alert webhook at rest', () => {
  it('keeps the URL sealed in the database and opens it on read; a URL saved before sealing reads as written', async () => {
    const { store } = await freshStore();
    onTestFinished(() => store.close());
    const url = 'https://hooks.slack.example/services/T0/B0/webhook-secret';
    await store.alerts.save({ ...everySetting(1), webhook: { url, format: 'slack', timeoutSeconds: 3 } }, 0, 100);
    const raw = (): string => sqlJsDatabase(store).get<{ settings: string }>('SELECT settings FROM alert_settings')!.settings;
    expect(raw()).not.toContain('webhook-secret');
    expect((JSON.parse(raw()) as AlertSettings).webhook!.url).toMatch(/^v1:/);
    expect((await store.alerts.get())!.settings.webhook!.url).toBe(url);
    // A row from before: the URL in the clear is read as it is, and sealed by the next save.
    await sqlJsDatabase(store).connection.run('UPDATE alert_settings SET settings = ?', [JSON.stringify(everySetting(2))]);
    const legacy = await store.alerts.get();
    expect(legacy!.settings.webhook!.url).toBe('https://hooks.example/2');
    await store.alerts.save(legacy!.settings, legacy!.version, 200);
    expect(raw()).not.toContain('hooks.example');
  });
});

it('every alert settings method ran on both stores', () => expectEveryMethodRan('alerts'));
