// Issue 27, the app's shell in Chromium: one icon set in the narrow sidebar, the gateway-down
// state with its way back (the `loopgate serve` hint in a browser; a Restart button in the desktop
// app, whose preload is stood in for), a view first opened while the gateway is down that says it
// could not load, and a sign-in page that says the session ended and brings the view back.
import type { Browser, Page } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { ServedGateway, type Served } from './served-gateway.js';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { axeViolations, go, launchChromium, shot, sidewaysScroll, WIDE, NARROW } from './ui.js';

/** Symbols the sidebar drew before it had an icon set. */
const GLYPHS = /[\u2190-\u21FF\u2300-\u23FF\u25A0-\u27BF]/u;

const dataDir = tempDir('loopgate-e2e-shell-');
let browser: Browser;
const served = new ServedGateway(dataDir);
const startGateway = (): Promise<Served> => served.start();
const stopGateway = (): Promise<void> => served.stop(1_000);

/** A signed-in page on the Overview; axe goes in as a script tag, which the app's CSP would refuse. */
async function openPage(size: { width: number; height: number }, colorScheme: 'light' | 'dark' = 'light', init?: string): Promise<Page> {
  const page = await browser.newPage({ viewport: size, colorScheme, bypassCSP: true });
  page.setDefaultTimeout(10_000);
  if (init) await page.addInitScript({ content: init });
  await page.goto(served.running!.gateway.loginLink());
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return page;
}

beforeAll(async () => {
  await startGateway();
  browser = await launchChromium();
}, 60_000);

// A test that stopped the gateway and failed midway leaves it running for the next.
afterEach(async () => {
  if (!served.running) await startGateway();
});

afterAll(async () => {
  await browser?.close();
  await stopGateway();
});

describe('the sidebar below 1100 px', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`shows one icon set (Lucide SVGs of one size), no Unicode symbols, ${colorScheme}`, async () => {
      const page = await openPage(NARROW, colorScheme);
      const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
      expect(await links.count()).toBeGreaterThan(5);
      const sizes = new Set<string>();
      for (const link of await links.all()) {
        const icon = link.locator('svg.lucide');
        expect(await icon.count(), (await link.getAttribute('title')) ?? '').toBe(1);
        const box = await icon.boundingBox();
        sizes.add(`${box?.width}×${box?.height}`);
        expect(await link.textContent()).not.toMatch(GLYPHS);
      }
      expect([...sizes]).toEqual(['18×18']);
      expect(await page.getByRole('navigation', { name: 'Main' }).textContent()).not.toMatch(GLYPHS);
      expect(await axeViolations(page)).toEqual([]);
      await shot(page, `shell-sidebar-900-${colorScheme}`, false);
      await page.close();
    });
  }
});

describe('the gateway stopped, in a browser (loopgate serve)', () => {
  it('says how to start it, a view first opened meanwhile says it could not load, and after the restart the sign-in page says the session ended and brings the view back', async () => {
    const page = await openPage(WIDE);
    await stopGateway();
    const banner = page.getByRole('alert').filter({ hasText: "Loopgate isn't responding — retrying…" });
    await banner.waitFor();
    await banner.getByText('loopgate serve').waitFor();
    // Logs, opened for the first time while nothing answers: not "Loading requests…" for ever.
    await go(page, 'Logs');
    const requests = page.getByRole('region', { name: 'Requests' });
    await requests.getByRole('alert').filter({ hasText: "Couldn't load requests." }).waitFor();
    await requests.getByRole('button', { name: 'Retry' }).waitFor();
    expect(await page.getByText('Loading requests…').count()).toBe(0);
    expect(await sidewaysScroll(page)).toBe(0);
    await shot(page, 'shell-gateway-down-browser', false);

    await startGateway();
    // The new process holds no session: the sign-in page says so, and what comes back.
    await page.getByRole('heading', { name: 'Sign in to Loopgate' }).waitFor({ timeout: 15_000 });
    const notice = page.getByRole('status').filter({ hasText: 'Your session ended' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain("Sign in again and you're back on Logs, as you left it.");
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'shell-session-ended', false);
    await page.getByLabel('Master key').fill(TEST_MASTER_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Logs' }).waitFor();
    await page.getByText('No requests yet').waitFor();
    expect(page.url()).toMatch(/#\/logs$/);
    await page.close();
  }, 60_000);

  it('after Sign out, says so (not "session ended")', async () => {
    const page = await openPage(NARROW, 'dark');
    await go(page, 'Keys');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('status').filter({ hasText: 'You signed out.' }).waitFor();
    expect(await page.getByText('Your session ended').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'shell-signed-out-900-dark', false);
    await page.close();
  });
});

/**
 * The preload's window.loopgate, stood in for: every call over the HTTP API, except while the
 * page's sessionStorage says the gateway is stopped (the shell then answers gateway_stopped);
 * `shell.restartGateway` fails once with the shell's message when asked to, then restarts.
 */
const DESKTOP_BRIDGE = `window.loopgate = {
  invoke: async (method, request) => {
    const state = sessionStorage;
    if (method === 'shell.restartGateway') {
      if (state.getItem('failRestart')) {
        state.removeItem('failRestart');
        return { ok: false, error: { code: 'unavailable', message: 'Port ' + location.port + ' is in use — by another Loopgate? Quit it, or choose another port (--port or LOOPGATE_PORT).' } };
      }
      state.setItem('restarts', String(Number(state.getItem('restarts') ?? '0') + 1));
      state.removeItem('stopped');
      return { ok: true, value: { url: location.origin } };
    }
    if (state.getItem('stopped')) return { ok: false, error: { code: 'gateway_stopped', message: "Loopgate's gateway is not running. Restart it from the app." } };
    return (await fetch('/ui/api/' + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request ?? {}) })).json();
  },
  on: () => () => undefined,
};`;

describe('the gateway stopped, in the desktop app', () => {
  for (const [size, colorScheme] of [
    [WIDE, 'light'],
    [NARROW, 'dark'],
  ] as const) {
    it(`offers Restart gateway, says why a restart failed, and restarts onto the same view (${size.width}×${size.height}, ${colorScheme})`, async () => {
      const page = await openPage(size, colorScheme, DESKTOP_BRIDGE);
      await page.evaluate(`sessionStorage.setItem('stopped', '1'); sessionStorage.setItem('failRestart', '1')`);
      await go(page, 'Keys');
      const banner = page.getByRole('alert').filter({ hasText: "Loopgate's gateway has stopped." });
      await banner.waitFor();
      await page.getByRole('alert').filter({ hasText: "Couldn't load keys." }).waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByText('Stopped').waitFor();
      // No error toast on top of the banner: it says it once.
      expect(await page.locator('.toast.error').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      expect(await sidewaysScroll(page)).toBe(0);
      await shot(page, `shell-gateway-down-desktop-${size.width}-${colorScheme}`, false);

      await banner.getByRole('button', { name: 'Restart gateway' }).click();
      await banner.getByText(`It did not start again: Port ${served.port} is in use`).waitFor();
      await banner.getByRole('button', { name: 'Restart gateway' }).click();
      // The page loads again from the restarted gateway, on the view it was on.
      await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
      await expect.poll(() => page.getByRole('alert').filter({ hasText: 'gateway has stopped' }).count()).toBe(0);
      await page.getByText('No keys yet').waitFor();
      expect(await page.evaluate(`sessionStorage.getItem('restarts')`)).toBe('1');
      expect(page.url()).toMatch(/#\/keys$/);
      await page.close();
    });
  }
});
