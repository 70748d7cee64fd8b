// Alert settings made in the app: one versioned row (id 'global'), absent until first saved; the
// settings are one JSON column (thresholds, events, desktop, webhook). A save names the version
// it read: 0 for the first save, and a stale one is a conflict that carries the row as it now is.
// A webhook URL is a credential (Slack's and most others' carry their secret in the path), so it
// is sealed at rest like a provider key; one saved before that is read as it was written.
import type { AlertSettings } from '../../shared/alerts.js';
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts.js';
import { defineTable, json, text, updateVersioned, ROW_VERSION } from './columns.js';
import { ConflictError } from './errors.js';
import type { SecretBox } from './secrets.js';
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

/** The settings with the webhook's URL passed through `convert` (sealing or opening it). */
export function withWebhookUrl(settings: AlertSettings, convert: (url: string) => string): AlertSettings {
  return settings.webhook ? { ...settings, webhook: { ...settings.webhook, url: convert(settings.webhook.url) } } : settings;
}

export class SqlAlertSettingsRepository implements AlertSettingsRepository {
  constructor(
    private readonly db: SqlConnection,
    private readonly box: SecretBox,
  ) {}

  async get(): Promise<StoredAlertSettings | null> {
    return this.opened(await readRow(this.db));
  }

  async save(settings: AlertSettings, expectedVersion: number, now: number): Promise<StoredAlertSettings> {
    const sealed = withWebhookUrl(settings, (url) => this.box.seal(url));
    const row = await this.db.transaction(async (tx) => {
      const current = await readRow(tx, this.db.dialect.forUpdate);
      if ((current?.version ?? 0) !== expectedVersion) throw new ConflictError(this.opened(current));
      if (current) return updateVersioned(tx, ALERTS, { id: ROW_ID, set: { settings: sealed, updatedAt: now }, expectedVersion, noun: 'alert settings', view: (stored) => stored });
      // A first save: on PostgreSQL another instance's may be inserting too; the primary key picks one.
      const inserted = await ALERTS.insert(tx, { id: ROW_ID, settings: sealed, createdAt: now, updatedAt: now }, 'ON CONFLICT (id) DO NOTHING');
      if (!inserted) throw new ConflictError(this.opened(await readRow(tx)));
      return inserted;
    });
    return this.opened(row)!;
  }

  private opened(row: StoredAlertSettings | null): StoredAlertSettings | null {
    return row && { ...row, settings: withWebhookUrl(row.settings, (url) => (this.box.isSealed(url) ? this.box.open(url) : url)) };
  }
}
