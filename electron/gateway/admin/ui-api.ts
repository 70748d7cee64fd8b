// Browser mode: the renderer build served at /ui, and the shared API carried over HTTP at
// /ui/api/<method>, behind an admin session that only a loopback client holding the master key
// (or a one-time sign-in link) can open.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { isApiMethod, type ApiHandlers } from '../../../shared/api.js';
import type { Authenticator } from '../access/auth.js';
import type { AuthThrottle } from '../access/auth-throttle.js';
import type { HostGuard } from '../http/host-guard.js';
import type { Logger } from '../../core/logger.js';
import { readJsonObject } from '../http/body.js';
import { decodePathPart, sendJson, sendObject, type RequestContext, type RequestOutcome } from '../http/context.js';
import { GatewayError, toGatewayError } from '../../core/errors.js';
import { timedCache } from '../../core/timed-cache.js';
import type { EventStreams } from './ui-events.js';

const SESSION_COOKIE = 'lg_session';
const SESSION_TTL_MS = 12 * 60 * 60_000;
const LOGIN_LINK_TTL_MS = 5 * 60_000;
const MAX_SESSIONS = 1_000;
const MAX_LOGIN_LINKS = 100;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
const UI_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function isLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

/** Admin sessions and one-time sign-in links, each bounded in time and in number. */
export class UiSessions {
  /** Past the cap, the least recently used session is signed out. */
  private readonly sessions;
  /** Links nobody redeems expire, and past the cap the oldest stop working. */
  private readonly loginTokens;
  /** Who hears of a session's sign-out (its event streams). */
  private readonly watchers = new Map<string, Set<() => void>>();

  constructor(clock: () => number = Date.now) {
    this.sessions = timedCache<true>({ max: MAX_SESSIONS, ttlMs: SESSION_TTL_MS, clock });
    this.loginTokens = timedCache<true>({ max: MAX_LOGIN_LINKS, ttlMs: LOGIN_LINK_TTL_MS, clock });
  }

  /** A sign-in link that works once, for a few minutes (what `npm start` opens). */
  createLoginToken(): string {
    const token = randomBytes(24).toString('base64url');
    this.loginTokens.set(token, true);
    return token;
  }

  redeemLoginToken(token: string): boolean {
    const live = this.loginTokens.get(token) === true;
    this.loginTokens.delete(token);
    return live;
  }

  /** Links waiting to be redeemed, expired ones not counted. */
  get pendingLoginTokens(): number {
    this.loginTokens.purgeStale();
    return this.loginTokens.size;
  }

  open(): string {
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, true);
    return token;
  }

  valid(req: IncomingMessage): boolean {
    return this.validToken(cookie(req, SESSION_COOKIE));
  }

  /** The request's session token, checked, or null. */
  token(req: IncomingMessage): string | null {
    const token = cookie(req, SESSION_COOKIE);
    return this.validToken(token) ? token : null;
  }

  validToken(token: string | null): token is string {
    return !!token && this.sessions.get(token) === true;
  }

  /** Calls `ended` when this session signs out; returns what stops watching. */
  watch(token: string, ended: () => void): () => void {
    const watchers = this.watchers.get(token) ?? new Set();
    watchers.add(ended);
    this.watchers.set(token, watchers);
    return () => {
      watchers.delete(ended);
      if (watchers.size === 0) this.watchers.delete(token);
    };
  }

  close(req: IncomingMessage): void {
    const token = cookie(req, SESSION_COOKIE);
    if (!token) return;
    this.sessions.delete(token);
    const watchers = this.watchers.get(token);
    this.watchers.delete(token);
    watchers?.forEach((ended) => ended());
  }
}

export interface UiDeps {
  sessions: UiSessions;
  auth: Authenticator;
  api: ApiHandlers;
  /** The built renderer (dist/renderer); null when it has not been built. */
  uiDir: string | null;
  /** Proxies a Playground chat as the master key, streamed. */
  playground(ctx: RequestContext): Promise<RequestOutcome>;
  /** The app's event stream (GET /ui/events). */
  eventStreams: EventStreams;
  /** Wrong master keys at sign-in count against the caller's address, as wrong keys on /v1 do. */
  throttle: AuthThrottle;
  /** The names the gateway answers to; the admin UI's own page is on one of them. */
  hosts(): HostGuard;
  logger: Logger;
}

function sessionCookie(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${token}; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`;
}

export function requireLoopback(ctx: RequestContext): void {
  if (!isLoopback(ctx.req)) throw new GatewayError('permission', 'The admin UI answers only on this machine (a loopback client).');
}

const CROSS_ORIGIN = 'Cross-origin requests to the admin UI are refused.';

/**
 * A cross-site form or script must not ride on the session cookie. The Origin is compared
 * with the names the gateway answers to, never with the request's own Host (which a page that
 * rebound its name to 127.0.0.1 controls). A state-changing request must show where it comes
 * from: an allowed Origin, or `Sec-Fetch-Site: same-origin`.
 */
function requireSameOrigin(deps: UiDeps, ctx: RequestContext, changesState: boolean): void {
  const origin = ctx.req.headers.origin;
  const site = ctx.req.headers['sec-fetch-site'];
  if (origin !== undefined && origin !== 'null') {
    if (!deps.hosts().allowsOrigin(origin, ctx.req.socket.localPort)) throw new GatewayError('permission', CROSS_ORIGIN);
    return;
  }
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new GatewayError('permission', CROSS_ORIGIN);
  if (changesState && site !== 'same-origin') {
    throw new GatewayError('permission', `${CROSS_ORIGIN} Send "Origin: http://127.0.0.1:<port>" (or Sec-Fetch-Site: same-origin).`);
  }
}

const SIGN_IN = 'Sign in to the admin UI first.';

export function requireSession(deps: UiDeps, ctx: RequestContext): void {
  requireLoopback(ctx);
  requireSameOrigin(deps, ctx, true);
  if (!deps.sessions.valid(ctx.req)) throw new GatewayError('authentication', SIGN_IN);
}

/**
 * The app's events as server-sent events. Without a session: 401 and the API's error data
 * (`authentication`), so an EventSource stops instead of retrying; the page then shows sign-in.
 */
export function openEvents(deps: UiDeps, ctx: RequestContext): void {
  requireSameOrigin(deps, ctx, false);
  const token = deps.sessions.token(ctx.req);
  if (!token) return sendObject(ctx, 401, { ok: false, error: new GatewayError('authentication', SIGN_IN).toData() });
  deps.eventStreams.open(
    ctx.res,
    () => deps.sessions.validToken(token),
    (ended) => deps.sessions.watch(token, ended),
  );
}

/** The admin UI's headers, on every answer under /ui (the router's own answers too). */
export function setUiHeaders(ctx: RequestContext): void {
  for (const [name, value] of Object.entries(UI_HEADERS)) ctx.res.setHeader(name, value);
}

export function redirectToUi(ctx: RequestContext): void {
  ctx.res.writeHead(302, { location: '/ui/' });
  ctx.res.end();
}

/** A one-time sign-in link (the app's and `loopgate serve --open`'s): a session cookie, then the page. */
export function redeemLoginLink(deps: UiDeps, ctx: RequestContext): void {
  const token = new URLSearchParams(ctx.search).get('token') ?? '';
  if (!deps.sessions.redeemLoginToken(token)) {
    ctx.res.writeHead(302, { location: '/ui/?signin=expired' });
    return void ctx.res.end();
  }
  ctx.res.writeHead(302, { location: '/ui/', 'set-cookie': sessionCookie(deps.sessions.open(), SESSION_TTL_MS / 1000) });
  ctx.res.end();
}

/** Sign-in with the master key; wrong keys count against the address. */
export async function signIn(deps: UiDeps, ctx: RequestContext): Promise<void> {
  requireSameOrigin(deps, ctx, true);
  const address = ctx.req.socket.remoteAddress ?? '';
  deps.throttle.check(address);
  const body = await readJsonObject(ctx.req);
  const key = typeof body.masterKey === 'string' ? body.masterKey : '';
  if (!deps.auth.isMasterKey(key)) {
    deps.throttle.fail(address);
    throw new GatewayError('authentication', 'That is not the master key.');
  }
  ctx.res.setHeader('set-cookie', sessionCookie(deps.sessions.open(), SESSION_TTL_MS / 1000));
  sendObject(ctx, 200, { ok: true, value: { signedIn: true } });
}

export function sessionState(deps: UiDeps, ctx: RequestContext): void {
  sendObject(ctx, 200, { ok: true, value: { signedIn: isLoopback(ctx.req) && deps.sessions.valid(ctx.req) } });
}

export function signOut(deps: UiDeps, ctx: RequestContext): void {
  requireSameOrigin(deps, ctx, true);
  deps.sessions.close(ctx.req);
  ctx.res.setHeader('set-cookie', sessionCookie('', 0));
  sendObject(ctx, 200, { ok: true, value: { signedIn: false } });
}

/** One shared API method over HTTP (the session is the route's, checked before). */
export async function callApi(deps: UiDeps, ctx: RequestContext, name: string): Promise<void> {
  if (!isApiMethod(name)) throw new GatewayError('not_found', `There is no API method "${name}".`);
  const request = await readJsonObject(ctx.req);
  const handler = deps.api[name] as (request: unknown) => unknown;
  const value = await handler.call(deps.api, request as never);
  sendObject(ctx, 200, { ok: true, value });
}

/** Errors are data here, as over IPC: `{ ok: false, error: { code, message, current? } }`. */
export function sendApiError(deps: UiDeps, ctx: RequestContext, error: unknown): void {
  const data = toGatewayError(error, ctx.id).toData();
  if (data.code === 'internal') {
    // The log has the details under the id the answer carries; the answer has no stack or path.
    deps.logger.log('error', 'unhandled', { id: ctx.id, method: ctx.path.slice('/ui/api/'.length), error: error instanceof Error ? (error.stack ?? String(error)) : String(error) });
  }
  const status = data.code === 'authentication' ? 401 : data.code === 'permission' ? 403 : 200;
  sendObject(ctx, status, { ok: false, error: data });
}

export async function serveFile(deps: UiDeps, ctx: RequestContext): Promise<void> {
  if (!deps.uiDir) {
    return sendJson(ctx, 503, JSON.stringify({ error: { message: 'The admin UI has not been built; run `npm run build`.', code: 'unavailable' } }));
  }
  const relative = decodePathPart(ctx.path.slice('/ui/'.length), 'file name') || 'index.html';
  const file = normalize(join(deps.uiDir, relative));
  if (!file.startsWith(deps.uiDir + sep) && file !== deps.uiDir) throw new GatewayError('not_found', 'No such file.');
  const isAsset = extname(file) !== '';
  try {
    const bytes = await readFile(isAsset ? file : join(deps.uiDir, 'index.html'));
    const type = CONTENT_TYPES[extname(isAsset ? file : 'index.html')] ?? 'application/octet-stream';
    // Vite fingerprints assets, so they never change; the page itself always revalidates.
    const caching = relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    ctx.res.writeHead(200, { 'content-type': type, 'content-length': bytes.length, 'cache-control': caching });
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : bytes);
  } catch {
    throw new GatewayError('not_found', `No such file: ${relative}`);
  }
}
