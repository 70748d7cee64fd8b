// The desktop app says when an update is ready and lets the person restart into it; a refused
// download is said as an alert. The shell's updates.* methods and its `update` event are stood in
// for by a window.loopgate over the same HTTP API (the shell's side is tests/unit/desktop-updates).
// Light, dark and 900 px wide; axe clean; screenshots in tests/.screenshots.
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpdateView } from '../../shared/api.js';
import { axeViolations, closeInOrder, launchChromium, shot, sidewaysScroll, startFileGateway } from './ui.js';

let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;

beforeAll(async () => {
  gw = await startFileGateway('model_list: []\n');
  browser = await launchChromium();
});

afterAll(async () => {
  await closeInOrder(browser, gw);
});

const READY: UpdateView = {
  settings: { enabled: true, channel: 'stable' },
  phase: 'ready',
  currentVersion: '0.1.0',
  version: '0.2.0',
  percent: null,
  message: 'Loopgate 0.2.0 is ready: it installs when you quit, or now with Restart now.',
  checkedAt: Date.UTC(2026, 11, 7, 9),
};

/** A desktop window: the shell's update methods answered here (calls recorded), the rest over HTTP; `window.__emit` plays the shell's events. */
async function desktopPage(view: UpdateView, options: { colorScheme?: 'light' | 'dark'; width?: number } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: 800 }, colorScheme: options.colorScheme ?? 'light', bypassCSP: true });
  page.setDefaultTimeout(10_000);
  await page.addInitScript({
    content: `(() => {
      let view = ${JSON.stringify(view)};
      const handlers = {};
      window.__calls = [];
      window.__emit = (event, data) => (handlers[event] || []).forEach((handler) => handler(data));
      window.loopgate = {
        invoke: async (method, request) => {
          if (method.startsWith('updates.')) {
            window.__calls.push(method);
            if (method === 'updates.configure') view = { ...view, settings: request };
            if (method === 'updates.restart') return { ok: true, value: { restarting: true } };
            return { ok: true, value: view };
          }
          return (await fetch('/ui/api/' + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request ?? {}) })).json();
        },
        on: (event, handler) => ((handlers[event] ||= []).push(handler), () => undefined),
      };
    })();`,
  });
  await page.goto(gw.gateway.loginLink());
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return page;
}

const calls = (page: Page): Promise<string[]> => page.evaluate(() => (globalThis as unknown as { __calls: string[] }).__calls);

describe('updates in the desktop app', () => {
  it('says an update is ready on every view, and Restart now asks the shell to install it', async () => {
    const page = await desktopPage(READY);
    const banner = page.getByRole('status').filter({ hasText: 'Loopgate 0.2.0 is ready' });
    await banner.waitFor();
    const card = page.getByRole('region', { name: 'Updates' });
    await card.getByRole('checkbox', { name: 'Look for updates at start and once a day' }).waitFor();
    expect(await card.getByRole('combobox', { name: 'Channel' }).inputValue()).toBe('stable');
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'updates-1-ready');
    await page.getByRole('link', { name: 'Logs' }).click();
    await banner.waitFor();
    await banner.getByRole('button', { name: 'Restart now' }).click();
    await expect.poll(() => calls(page)).toContain('updates.restart');
    await page.close();
  });

  it('changes channel, and says a refused download as an alert', async () => {
    const page = await desktopPage({ ...READY, phase: 'idle', version: null, message: null });
    const card = page.getByRole('region', { name: 'Updates' });
    await card.getByText('Loopgate 0.1.0 is the newest').waitFor();
    await card.getByRole('combobox', { name: 'Channel' }).selectOption('beta');
    await expect.poll(() => calls(page)).toContain('updates.configure');
    const refused = 'Loopgate 0.2.0 was refused: the download did not match the SHA-512 its release published, so it was deleted, not installed. Loopgate stays on 0.1.0 and looks again tomorrow.';
    await page.evaluate((view) => (globalThis as unknown as { __emit(event: string, data: unknown): void }).__emit('update', view), { ...READY, phase: 'failed', message: refused } satisfies UpdateView);
    await page.getByRole('alert').filter({ hasText: 'was refused' }).waitFor();
    expect(await page.getByRole('button', { name: 'Restart now' }).count()).toBe(0);
    await page.close();
  });

  it('looks right dark and in a 900 px window', async () => {
    const dark = await desktopPage(READY, { colorScheme: 'dark' });
    await dark.getByRole('region', { name: 'Updates' }).waitFor();
    expect(await axeViolations(dark)).toEqual([]);
    await shot(dark, 'updates-2-ready-dark');
    await dark.close();
    const narrow = await desktopPage(READY, { width: 900 });
    await narrow.getByRole('region', { name: 'Updates' }).waitFor();
    expect(await sidewaysScroll(narrow)).toBe(0);
    expect(await axeViolations(narrow)).toEqual([]);
    await shot(narrow, 'updates-3-ready-narrow', false);
    await narrow.close();
  });

  it('shows nothing of updates in browser mode', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(gw.gateway.loginLink());
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.waitForTimeout(300);
    expect(await page.getByRole('region', { name: 'Updates' }).count()).toBe(0);
    await page.close();
  });
});
