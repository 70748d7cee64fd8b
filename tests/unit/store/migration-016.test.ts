import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_SETTINGS } from '../../../shared/alerts.js';
import { afterMigration, storeAtVersion } from '../../helpers/store.js';

describe('schema version 16', () => {
  it('adds the alert settings table to an older store: no row until the app saves one, then the saved row', async () => {
    const dir = await storeAtVersion(15);
    await afterMigration(dir, async (store) => {
      expect(await store.alerts.get()).toBeNull();
      const saved = await store.alerts.save({ ...DEFAULT_ALERT_SETTINGS, budgetThresholds: [90] }, 0, 5);
      expect(saved).toMatchObject({ id: 'global', version: 1, settings: { budgetThresholds: [90] } });
      expect(await store.alerts.get()).toEqual(saved);
    });
  });
});
