// services/alerts/ owns alerts: their settings (the app's versioned row, else the config file's,
// else the defaults; a webhook URL shown only up to its origin), the engine that fires each once per crossing (engine.ts, crossings.ts),
// the recent ones the app's bell lists, and the webhook (webhook.ts).
import { z } from 'zod';
import { ALERT_EVENTS, DEFAULT_ALERT_SETTINGS, type AlertEntry, type AlertSettings, type AlertSettingsView } from '../../../shared/alerts.js';
import type { Logger } from '../../core/logger.js';
import type { AlertSettingsRepository, StoredAlertSettings } from '../../store/alerts.js';
import { storeChange } from '../errors.js';
import { MAX_LENGTH, parseInput, text } from '../validation.js';
import { AlertEngine, type AlertNotifier, type AlertSources } from './engine.js';
import { WebhookSender } from './webhook.js';

export type { AlertNotifier, AlertSources } from './engine.js';

const percent = z.number().positive('expected a percentage above 0').max(1000, 'expected a percentage up to 1000');
const thresholds = z.array(percent).max(10, 'expected at most 10 thresholds');

export const alertSettingsSchema = z.object({
  version: z.number().int().nonnegative(),
  budgetThresholds: thresholds,
  keyThresholds: z.record(text(MAX_LENGTH.id), thresholds),
  events: z.array(z.enum(ALERT_EVENTS)),
  failingMinutes: z
    .number()
    .positive('expected minutes above 0')
    .max(24 * 60, 'expected at most a day'),
  desktop: z.boolean(),
  webhook: z
    .object({
      url: text(MAX_LENGTH.url)
        .url('expected an http:// or https:// URL')
        .refine((url) => /^https?:/i.test(url), 'expected an http:// or https:// URL'),
      format: z.enum(['json', 'slack']),
      timeoutSeconds: z.number().positive().max(60, 'expected at most 60 seconds'),
    })
    .nullable(),
});

export interface AlertServiceDeps {
  store: { alerts: AlertSettingsRepository };
  /** The config file's alert settings; null when it sets none. */
  fromConfig: AlertSettings | null;
  sources: AlertSources;
  logger: Logger;
  clock: () => number;
  sweepMs?: number;
  webhookBackoffMs?: (tries: number) => number;
}

/** How often the app's saved settings are read again (another instance may have saved). */
const RELOAD_MS = 30_000;

export class AlertService {
  readonly engine: AlertEngine;
  private saved: StoredAlertSettings | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: AlertServiceDeps) {
    const webhook = new WebhookSender({ logger: deps.logger, ...(deps.webhookBackoffMs ? { backoffMs: deps.webhookBackoffMs } : {}) });
    this.engine = new AlertEngine({ sources: deps.sources, settings: () => this.current(), webhook, logger: deps.logger, clock: deps.clock, ...(deps.sweepMs ? { sweepMs: deps.sweepMs } : {}) });
  }

  /** Reads the saved settings, then watches. */
  async start(): Promise<void> {
    await this.reload();
    this.engine.start();
    this.timer = setInterval(() => void this.reload(), RELOAD_MS).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.engine.stop();
  }

  /** The settings in force. */
  current(): AlertSettings {
    return this.saved?.settings ?? this.deps.fromConfig ?? DEFAULT_ALERT_SETTINGS;
  }

  list(): AlertEntry[] {
    return this.engine.list();
  }

  addNotifier(notifier: AlertNotifier): () => void {
    return this.engine.addNotifier(notifier);
  }

  async settings(): Promise<AlertSettingsView> {
    await this.reload();
    return this.view(this.saved);
  }

  async update(input: AlertSettings & { version: number }): Promise<AlertSettingsView> {
    const { version, ...settings } = parseInput(alertSettingsSchema, input);
    // The view shows a webhook URL masked (Slack's carry their secret in the path): sent back as shown, it keeps the one in force.
    const kept = this.current().webhook;
    if (settings.webhook && kept && settings.webhook.url === maskedUrl(kept.url)) settings.webhook = { ...settings.webhook, url: kept.url };
    const saved = await storeChange(
      () => this.deps.store.alerts.save({ ...settings, budgetThresholds: sorted(settings.budgetThresholds) }, version, this.deps.clock()),
      (current: StoredAlertSettings | null) => this.view(current),
      'alert settings',
    );
    this.saved = saved;
    return this.view(saved);
  }

  private view(row: StoredAlertSettings | null): AlertSettingsView {
    const masked = (settings: AlertSettings): AlertSettings => (settings.webhook ? { ...settings, webhook: { ...settings.webhook, url: maskedUrl(settings.webhook.url) } } : settings);
    if (row) return { settings: masked(row.settings), source: 'app', version: row.version };
    return { settings: masked(this.deps.fromConfig ?? DEFAULT_ALERT_SETTINGS), source: this.deps.fromConfig ? 'config' : 'default', version: 0 };
  }

  private async reload(): Promise<void> {
    try {
      this.saved = await this.deps.store.alerts.get();
    } catch (error) {
      this.deps.logger.log('warn', `alert settings could not be read: ${String(error)}`);
    }
  }
}

/** A webhook URL as the app shows it: its origin, the rest (where Slack's secret is) hidden. */
function maskedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname === '/' && !parsed.search ? parsed.origin : `${parsed.origin}/…`;
  } catch {
    return '…';
  }
}

function sorted(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
