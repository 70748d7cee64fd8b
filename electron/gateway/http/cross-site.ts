// Requests a web page makes the browser send. Any page can fire them at 127.0.0.1 (image tags,
// forms, fetch without CORS), and the browser's address is the same loopback address as every
// local tool's, so a page's key guesses would lock the tools out of the wrong-key throttle. A
// browser marks such requests (`Sec-Fetch-Site`, `Origin`); tools send neither. Keys in marked
// requests are refused unread, and not counted as guesses.
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../core/errors.js';
import type { HostGuard } from './host-guard.js';

/** Pages on this gateway's own origin, and what a person typed or bookmarked. */
const OWN_SITE = new Set(['same-origin', 'none']);

/** What marks this request as sent by a page on another site (for the message), or null. */
function crossSiteMark(req: IncomingMessage, hosts: HostGuard): string | null {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && !OWN_SITE.has(site)) return `Sec-Fetch-Site: ${site}`;
  const origin = req.headers.origin;
  // `null`: a sandboxed frame, a file:// page or a redirect across sites; never a tool.
  if (origin !== undefined && !hosts.allowsOrigin(origin, req.socket.localPort)) return `Origin: ${origin.slice(0, 100)}`;
  return null;
}

/** Throws 403 for a request a browser sent on behalf of a page on another site. */
export function refuseCrossSite(req: IncomingMessage, hosts: HostGuard): void {
  const mark = crossSiteMark(req, hosts);
  if (mark === null) return;
  throw new GatewayError('permission', `Loopgate does not take API keys from web pages on other sites (the browser sent ${mark}). Call it from a tool, a script or a server, not from a page.`);
}
