// general_settings.alerts: the alert settings a config file sets (shared/alerts.ts); unset fields
// keep their defaults. The app's saved settings, once there are any, win over these.
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../shared/alerts.js';
import { resolveValue, type Lookup } from './environment.js';
import type { ConfigFile } from './schema.js';

type AlertsFile = NonNullable<NonNullable<ConfigFile['general_settings']>['alerts']>;

/** The alert settings of a config file; null when it sets none. */
export function alertSettings(file: AlertsFile | undefined, lookup: Lookup): AlertSettings | null {
  if (!file) return null;
  const defaults = DEFAULT_ALERT_SETTINGS;
  const url = file.webhook_url ? resolveValue(file.webhook_url, 'general_settings.alerts.webhook_url', lookup) : '';
  return {
    budgetThresholds: file.budget_thresholds ?? defaults.budgetThresholds,
    keyThresholds: file.key_thresholds ?? {},
    events: file.events ?? defaults.events,
    failingMinutes: file.failing_minutes ?? defaults.failingMinutes,
    desktop: file.desktop ?? defaults.desktop,
    webhook: url ? { url, format: file.webhook_format ?? 'json', timeoutSeconds: file.webhook_timeout ?? 5 } : null,
  };
}
