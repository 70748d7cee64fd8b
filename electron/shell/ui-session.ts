// Keeps the window signed in to the admin UI. The API goes over IPC, but the Playground streams
// over HTTP on the /ui session cookie, which expires: the app renews it well before it does,
// redeeming a one-time sign-in link itself and handing the cookie to the window's session.
import type { Logger } from '../core/logger.js';
import type { CookieDetails } from './electron-surface.js';

export interface SessionCookie {
  name: string;
  value: string;
  path: string;
  maxAgeSeconds: number;
}

/** Parses the gateway's `Set-Cookie` (name=value; Path=…; Max-Age=…; HttpOnly; SameSite=Strict). */
export function parseSessionCookie(header: string): SessionCookie | null {
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  const separator = pair?.indexOf('=') ?? -1;
  if (!pair || separator <= 0) return null;
  const attribute = (name: string): string | undefined => attributes.find((part) => part.toLowerCase().startsWith(`${name.toLowerCase()}=`))?.slice(name.length + 1);
  const maxAge = Number(attribute('Max-Age'));
  const value = pair.slice(separator + 1);
  if (!value || !Number.isFinite(maxAge) || maxAge <= 0) return null;
  return { name: pair.slice(0, separator), value, path: attribute('Path') ?? '/', maxAgeSeconds: maxAge };
}

export interface UiSessionDeps {
  /** A fresh one-time sign-in link (the gateway's loginLink()). */
  loginLink(): string;
  cookies: { set(details: CookieDetails): Promise<void> };
  now(): number;
  logger: Logger;
}

export class UiSession {
  private signedInAt = 0;
  private lifetimeMs = 0;

  constructor(private readonly deps: UiSessionDeps) {}

  /** Redeems a sign-in link and stores the session cookie where the window will send it. */
  async signIn(): Promise<void> {
    const link = new URL(this.deps.loginLink());
    const response = await fetch(link, { redirect: 'manual' });
    const cookie = response.headers
      .getSetCookie()
      .map(parseSessionCookie)
      .find((parsed) => parsed !== null);
    if (!cookie) throw new Error(`the gateway refused the sign-in link (HTTP ${response.status})`);
    const now = this.deps.now();
    await this.deps.cookies.set({
      url: `${link.origin}${cookie.path}`,
      name: cookie.name,
      value: cookie.value,
      path: cookie.path,
      httpOnly: true,
      sameSite: 'strict',
      expirationDate: Math.floor(now / 1000) + cookie.maxAgeSeconds,
    });
    this.signedInAt = now;
    this.lifetimeMs = cookie.maxAgeSeconds * 1000;
  }

  /** Renews once half the session's lifetime has passed (by the wall clock, so a sleeping laptop counts). Never rejects. */
  async renewIfDue(): Promise<void> {
    if (this.deps.now() - this.signedInAt < this.lifetimeMs / 2) return;
    try {
      await this.signIn();
    } catch (error) {
      this.deps.logger.log('warn', `Could not renew the window's admin session: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
