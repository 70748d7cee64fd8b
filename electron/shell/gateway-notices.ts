// What the desktop shows of a running gateway besides the window: alert notifications and the
// offline fallback's going-offline / back-online notices (one gateway's worth; a restart makes new
// ones), and the gateway's events joined with the updater's for the window.
import type { StartedGateway } from '../app/start.js';
import type { Logger } from '../core/logger.js';
import type { EventSourceLike } from '../ipc.js';
import { showAlertNotifications } from './alert-notifications.js';
import type { NotificationSurface } from './electron-surface.js';
import { showOfflineNotifications } from './offline-notifications.js';

interface NoticeDeps {
  Notification: NotificationSurface;
  /** Shows the window at `#/view`, when it may be shown. */
  open(hash: string): void;
  logger: Logger;
}

/** Starts the gateway's desktop notifications; returns what stops them. */
export function showGatewayNotices(started: StartedGateway, deps: NoticeDeps): Array<() => void> {
  const { alerts } = started.app.services;
  return [showAlertNotifications({ ...deps, alerts }), showOfflineNotifications({ ...deps, onConnectivity: (listener) => started.app.onConnectivity(listener), desktopNotifications: () => alerts.current().desktop })];
}

/** The core's events and the updater's, to one window. */
export function joinEvents(core: EventSourceLike, updates: EventSourceLike | null): EventSourceLike {
  if (!updates) return core;
  return {
    subscribe(listener) {
      const stops = [core.subscribe(listener), updates.subscribe(listener)];
      return () => stops.forEach((stop) => stop());
    },
  };
}
