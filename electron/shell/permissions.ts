// Which web permissions the window gets: writing to the clipboard (Copy buttons, the one-time
// key secret) from the app's own page in its main frame, and nothing else, ever.
import { isAppUrl } from '../window-options.js';
import type { SessionSurface } from './electron-surface.js';

/** What Chromium asks for on `navigator.clipboard.writeText`. */
const CLIPBOARD_WRITE = 'clipboard-sanitized-write';

function isPermissionGranted(permission: string, requestingUrl: string | undefined, isMainFrame: boolean, gatewayOrigin: string): boolean {
  return permission === CLIPBOARD_WRITE && isMainFrame && requestingUrl !== undefined && isAppUrl(requestingUrl, gatewayOrigin);
}

export function applyPermissionPolicy(session: SessionSurface, gatewayOrigin: () => string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => callback(isPermissionGranted(permission, details.requestingUrl, details.isMainFrame, gatewayOrigin())));
  // A check may name only the origin; the app's page is then the one at /ui/.
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => isPermissionGranted(permission, details.requestingUrl ?? `${requestingOrigin}/ui/`, details.isMainFrame, gatewayOrigin()));
}
