// The offline fallback on the desktop: one notification when the cloud becomes unreachable and
// cloud models go to the local group, one when it answers again (the monitor in
// gateway/inference/offline.ts already holds each state a minimum time, so these do not flap).
// They follow the alerts' "Desktop notifications" setting; a click opens Models & routing.
import type { ConnectivityChange } from '../app/index.js';
import type { Logger } from '../core/logger.js';
import type { NotificationSurface } from './electron-surface.js';

interface OfflineNotificationDeps {
  Notification: NotificationSurface;
  onConnectivity(listener: (change: ConnectivityChange) => void): () => void;
  /** The alerts' settings: `desktop` off means no desktop notifications at all. */
  desktopNotifications(): boolean;
  /** Shows the window at `#/view`. */
  open(hash: string): void;
  logger: Logger;
}

function notice(change: ConnectivityChange): { title: string; body: string } {
  const host = new URL(change.origin).host;
  return change.state === 'offline'
    ? { title: `Offline: cloud models use "${change.group}"`, body: `${host} cannot be reached, so requests for cloud models are served by the local group "${change.group}" until it answers again.` }
    : { title: 'Back online', body: `${host} answers again; cloud models are served by the cloud.` };
}

/** Starts notifying; returns what stops it. */
export function showOfflineNotifications(deps: OfflineNotificationDeps): () => void {
  if (!deps.Notification.isSupported()) return () => undefined;
  let last: { close(): void } | null = null;
  const stop = deps.onConnectivity((change) => {
    if (!deps.desktopNotifications()) return;
    // The newer state replaces the older notice: "offline" is stale once back online.
    last?.close();
    const notification = new deps.Notification(notice(change));
    notification.on('click', () => deps.open('#/models'));
    notification.show();
    last = notification;
    deps.logger.log('info', `Notified: ${change.state === 'offline' ? 'offline' : 'back online'}`);
  });
  return () => {
    stop();
    last = null;
  };
}
