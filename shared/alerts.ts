// Alerts: what Loopgate tells people once per crossing (a budget threshold passed, a key cut off,
// a deployment cooling or failing, a fallback taken, the database or Redis away), and the
// settings that say which and where (the desktop, the app's bell, a webhook).

/** What an alert is about. */
type AlertKind = 'budget_threshold' | 'budget_blocked' | 'deployment_cooldown' | 'deployment_failing' | 'fallback' | 'database_unavailable' | 'redis_unavailable';

/** The events besides budget thresholds, each of which can be switched off. */
export type AlertEvent = Exclude<AlertKind, 'budget_threshold'>;

export const ALERT_EVENTS = ['budget_blocked', 'deployment_cooldown', 'deployment_failing', 'fallback', 'database_unavailable', 'redis_unavailable'] as const satisfies readonly AlertEvent[];

/** The app's views an alert opens (the renderer's view ids). */
type AlertView = 'models' | 'logs' | 'overview';

/** One alert as the app lists it and the desktop and webhook say it. */
export interface AlertEntry {
  id: string;
  time: number;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  title: string;
  message: string;
  /** Where a click leads, with the view's filters (e.g. a key's logs). */
  view: AlertView;
  params: Record<string, string>;
}

export interface AlertWebhook {
  url: string;
  /** `json`: the alert as is; `slack`: Slack's incoming-webhook body (`{ "text": ... }`). */
  format: 'json' | 'slack';
  timeoutSeconds: number;
}

export interface AlertSettings {
  /** Percentages of a key's max_budget that alert when spend crosses them, for every key. */
  budgetThresholds: number[];
  /** Per key (by id): its own thresholds instead of the global ones. */
  keyThresholds: Record<string, number[]>;
  /** Which events alert. */
  events: AlertEvent[];
  /** A deployment cooling down or failing this long alerts as failing. */
  failingMinutes: number;
  /** Desktop notifications (the Electron app). */
  desktop: boolean;
  webhook: AlertWebhook | null;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  budgetThresholds: [80, 100],
  keyThresholds: {},
  events: [...ALERT_EVENTS],
  failingMinutes: 5,
  desktop: true,
  webhook: null,
};

/** The settings in force and where they come from; `version` 0: never saved in the app. */
export interface AlertSettingsView {
  settings: AlertSettings;
  source: 'app' | 'config' | 'default';
  version: number;
}
