// Alert settings made in the app: one versioned row (id 'global'), absent until first saved; the
// settings are one JSON column (thresholds, events, desktop, webhook). A save names the version
// it read: 0 for the first save, and a stale one is a conflict that carries the row as it now is.
import type { AlertSettings } from '../../shared/alerts.js';
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts.js';
import { defineTable, json, text, updateVersioned, ROW_VERSION } from './columns.js';
import { ConflictError } from './errors.js';
import type { SqlConnection, SqlReader } from './sql.js';

export interface StoredAlertSettings {
  id: string;
  settings: AlertSettings;
  createdAt: number;
  updatedAt: number;
  version: number;
}

const ROW_ID = 'global';

export const ALERTS = defineTable<StoredAlertSettings>('alert_settings', {
  id: text('id'),
  settings: json<AlertSettings>('settings', DEFAULT_ALERT_SETTINGS),
  ...ROW_VERSION,
});

export interface AlertSettingsRepository {
  /** The app's alert settings; null until first saved. */
  get(): Promise<StoredAlertSettings | null>;
  /** Saves them; `expectedVersion` 0 means "never saved yet". A stale one: ConflictError carrying the row (or null). */
  save(settings: AlertSettings, expectedVersion: number, now: number): Promise<StoredAlertSettings>;
}

async function readRow(reader: SqlReader, lock = ''): Promise<StoredAlertSettings | null> {
  return (await ALERTS.get(reader, `WHERE id = ? ${lock}`, [ROW_ID])) ?? null;
}

export class SqlAlertSettingsRepository implements AlertSettingsRepository {
  constructor(private readonly db: SqlConnection) {}

  get(): Promise<StoredAlertSettings | null> {
    return readRow(this.db);
  }

  save(settings: AlertSettings, expectedVersion: number, now: number): Promise<StoredAlertSettings> {
    return this.db.transaction(async (tx) => {
      const current = await readRow(tx, this.db.dialect.forUpdate);
      if ((current?.version ?? 0) !== expectedVersion) throw new ConflictError(current);
      if (current) return updateVersioned(tx, ALERTS, { id: ROW_ID, set: { settings, updatedAt: now }, expectedVersion, noun: 'alert settings', view: (row) => row });
      // A first save: on PostgreSQL another instance's may be inserting too; the primary key picks one.
      const inserted = await ALERTS.insert(tx, { id: ROW_ID, settings, createdAt: now, updatedAt: now }, 'ON CONFLICT (id) DO NOTHING');
      if (!inserted) throw new ConflictError(await readRow(tx));
      return inserted;
    });
  }
}
