// The alert settings as the Keys view edits them: budget thresholds, which events alert, the
// desktop and the webhook; checked here as the service checks them and saved with the version
// read (a stale one shows the current values). Per-key thresholds are kept as they are.
import type { AlertEvent, AlertSettings, AlertSettingsView } from '../../../shared/alerts.js';
import { call } from './api.js';
import { reloadOn } from './reload.js';
import { SettingsForm } from './settings-form.svelte.js';

const SOURCE = { app: 'set in the app', config: 'from the config file', default: 'the defaults' } as const;

export const EVENT_LABELS: Record<AlertEvent, string> = {
  budget_blocked: 'A key blocked by its budget',
  deployment_cooldown: 'A deployment cooled down',
  deployment_failing: 'A deployment failing for a while',
  fallback: 'A fallback taken',
  database_unavailable: 'The database unavailable',
  redis_unavailable: 'Redis unavailable',
};

function parseThresholds(text: string): number[] | null {
  const parts = text.split(/[\s,%]+/).filter(Boolean);
  const values = parts.map(Number);
  return parts.length > 0 && parts.length <= 10 && values.every((value) => Number.isFinite(value) && value > 0 && value <= 1000) ? values : null;
}

class AlertSettingsState extends SettingsForm<AlertSettingsView> {
  thresholds = $state('');
  events = $state<AlertEvent[]>([]);
  failingMinutes = $state('');
  desktop = $state(true);
  webhookUrl = $state('');
  webhookFormat = $state<'json' | 'slack'>('json');
  private following = false;

  readonly thresholdsError = $derived(parseThresholds(this.thresholds) ? undefined : 'Percentages of a key’s budget, like 80, 100 (at most 10).');
  readonly minutesError = $derived(Number(this.failingMinutes) > 0 && Number(this.failingMinutes) <= 1440 ? undefined : 'Minutes, from 1 to 1440.');
  readonly urlError = $derived(this.webhookUrl === '' || /^https?:\/\/\S+$/i.test(this.webhookUrl) ? undefined : 'An http:// or https:// URL, or empty for none.');
  readonly invalid = $derived(!!(this.thresholdsError || this.minutesError || this.urlError));

  get summary(): string {
    const view = this.current;
    if (!view) return '';
    const { settings } = view;
    return `At ${settings.budgetThresholds.join('%, ')}% of a budget${settings.webhook ? ', with a webhook' : ''} (${SOURCE[view.source]}).`;
  }

  async load(): Promise<void> {
    if (!this.following) {
      this.following = true;
      reloadOn(['alerts'], () => this.load());
    }
    await this.read(() => call('alerts.settings', {}));
  }

  async save(): Promise<void> {
    const thresholds = parseThresholds(this.thresholds);
    if (!this.current || !thresholds || this.invalid) return;
    const { version, settings: before } = this.current;
    const settings: AlertSettings = {
      ...before,
      budgetThresholds: thresholds,
      events: this.events,
      failingMinutes: Number(this.failingMinutes),
      desktop: this.desktop,
      webhook: this.webhookUrl ? { url: this.webhookUrl, format: this.webhookFormat, timeoutSeconds: before.webhook?.timeoutSeconds ?? 5 } : null,
    };
    await this.write(() => call('alerts.updateSettings', { ...settings, version }), 'Alert settings saved.', 'Someone else changed the alert settings first; their values are shown now.');
  }

  protected fill(view: AlertSettingsView): void {
    const { settings } = view;
    this.thresholds = settings.budgetThresholds.join(', ');
    this.events = [...settings.events];
    this.failingMinutes = String(settings.failingMinutes);
    this.desktop = settings.desktop;
    this.webhookUrl = settings.webhook?.url ?? '';
    this.webhookFormat = settings.webhook?.format ?? 'json';
  }
}

export const alertSettings = new AlertSettingsState();
