// Alerts as desktop notifications: each alert the engine fires (once per crossing) becomes one
// Electron Notification while the settings have `desktop` on; a click opens the window at the
// view the alert names (a key's logs, the models, the overview).
import type { AlertEntry, AlertSettings } from '../../shared/alerts.js';
import type { Logger } from '../core/logger.js';
import type { NotificationSurface } from './electron-surface.js';

/** What the shell reads of the app's alerts (services/alerts). */
interface AlertFeed {
  addNotifier(notifier: (alert: AlertEntry) => void): () => void;
  current(): AlertSettings;
}

export interface AlertNotificationDeps {
  Notification: NotificationSurface;
  alerts: AlertFeed;
  /** Shows the window at `#/view?params`. */
  open(hash: string): void;
  logger: Logger;
}

/** Notifications kept referenced until clicked or replaced (one Electron lets go of loses its click). */
const KEPT = 20;

/** The renderer's address of the alert's view (renderer/src/lib/router.svelte.ts). */
function alertHash(alert: Pick<AlertEntry, 'view' | 'params'>): string {
  const query = new URLSearchParams(alert.params).toString();
  return `#/${alert.view}${query ? `?${query}` : ''}`;
}

/** Starts showing alerts on the desktop; returns what stops it. */
export function showAlertNotifications(deps: AlertNotificationDeps): () => void {
  if (!deps.Notification.isSupported()) {
    deps.logger.log('info', 'Desktop notifications are not supported here; alerts show in the app only');
    return () => undefined;
  }
  const kept: Array<{ close(): void }> = [];
  const stop = deps.alerts.addNotifier((alert) => {
    if (!deps.alerts.current().desktop) return;
    const notification = new deps.Notification({ title: alert.title, body: alert.message, urgency: alert.severity === 'critical' ? 'critical' : 'normal' });
    notification.on('click', () => deps.open(alertHash(alert)));
    notification.show();
    kept.push(notification);
    if (kept.length > KEPT) kept.shift();
  });
  return () => {
    stop();
    kept.length = 0;
  };
}
