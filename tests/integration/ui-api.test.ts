// Browser mode's guard: the admin UI and its HTTP API open only with a session that a
// loopback client gets from the master key or a one-time link.
import type { IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback } from '../../electron/gateway/admin/ui-api.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
/** The gateway's clock runs this far ahead, for links and sessions to lapse. */
let offsetMs = 0;

beforeAll(async () => {
  gw = await startTestGateway('model_list: []\n', { clock: () => Date.now() + offsetMs });
});

afterEach(() => {
  offsetMs = 0;
});

afterAll(async () => {
  await gw?.close();
});

async function signIn(masterKey: string): Promise<Response> {
  return fetch(`${gw.url}/ui/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: gw.url }, body: JSON.stringify({ masterKey }) });
}

function sessionCookie(response: Response): string {
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}

describe('browser mode', () => {
  it('serves the built UI with a strict content security policy', async () => {
    const page = await fetch(`${gw.url}/ui/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await fetch(`${gw.url}/ui/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it('refuses the API without a session, and a wrong master key', async () => {
    const anonymous = await fetch(`${gw.url}/ui/api/status.get`, { method: 'POST', headers: { origin: gw.url, 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'authentication' } });
    expect((await signIn('sk-wrong')).status).toBe(401);
  });

  it('opens a session with the master key, and refuses cross-origin calls on it', async () => {
    const cookie = sessionCookie(await signIn(TEST_MASTER_KEY));
    expect(cookie).toMatch(/^lg_session=/);
    const status = await fetch(`${gw.url}/ui/api/status.get`, { method: 'POST', headers: { cookie, origin: gw.url, 'content-type': 'application/json' }, body: '{}' });
    expect(await status.json()).toMatchObject({ ok: true, value: { baseUrl: gw.url, running: true } });
    const crossSite = await fetch(`${gw.url}/ui/api/status.get`, { method: 'POST', headers: { cookie, origin: 'https://evil.example' }, body: '{}' });
    expect(crossSite.status).toBe(403);
    const unknown = await fetch(`${gw.url}/ui/api/keys.steal`, { method: 'POST', headers: { cookie, origin: gw.url, 'content-type': 'application/json' }, body: '{}' });
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('lets a one-time sign-in link work exactly once', async () => {
    const link = gw.gateway.loginLink();
    const first = await fetch(link, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/ui/');
    expect(sessionCookie(first)).toMatch(/^lg_session=.+/);
    const second = await fetch(link, { redirect: 'manual' });
    expect(second.headers.get('location')).toBe('/ui/?signin=expired');
    expect(second.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a sign-in link nobody used within five minutes, and a session twelve hours on', async () => {
    const link = gw.gateway.loginLink();
    const cookie = sessionCookie(await fetch(gw.gateway.loginLink(), { redirect: 'manual' }));
    offsetMs = 5 * 60_000 + 1_000;
    const late = await fetch(link, { redirect: 'manual' });
    expect(late.headers.get('location')).toBe('/ui/?signin=expired');
    expect(late.headers.get('set-cookie')).toBeNull();
    expect((await fetch(`${gw.url}/ui/api/status.get`, { method: 'POST', headers: { cookie, origin: gw.url, 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
    offsetMs = 12 * 60 * 60_000 + 1_000;
    expect((await fetch(`${gw.url}/ui/api/status.get`, { method: 'POST', headers: { cookie, origin: gw.url, 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
  });

  it('knows a loopback client from any other', () => {
    const from = (remoteAddress: string) => ({ socket: { remoteAddress } }) as unknown as IncomingMessage;
    expect(isLoopback(from('127.0.0.1'))).toBe(true);
    expect(isLoopback(from('::1'))).toBe(true);
    expect(isLoopback(from('::ffff:127.0.0.1'))).toBe(true);
    expect(isLoopback(from('192.168.1.20'))).toBe(false);
  });

  it('pauses model routes without closing the admin UI', async () => {
    gw.app.setPaused(true);
    const paused = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
    expect(paused.status).toBe(503);
    expect((await fetch(`${gw.url}/ui/`)).status).toBe(200);
    gw.app.setPaused(false);
    expect((await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } })).status).toBe(200);
  });
});
