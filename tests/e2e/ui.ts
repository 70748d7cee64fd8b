// What every end-to-end file needs to drive the real UI: Debian's Chromium, a page signed in
// through the gateway's one-time link, navigation by the menu, and screenshots into
// tests/.screenshots (git-ignored) with the toasts dismissed first.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type Locator, type Page } from 'playwright';
import { expect } from 'vitest';
import { rendererDir } from '../../electron/core/app-info.js';
import { loadConfigFile } from '../../electron/config/index.js';
import { MemoryLogger } from '../../electron/core/logger.js';
import { createApp } from '../../electron/app/index.js';
import { createGateway, type Gateway } from '../../electron/gateway/http/server.js';
import { openStore } from '../../electron/store/index.js';
import { PROJECT_ROOT, tempDir, writeConfig } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';

export const SHOTS = join(PROJECT_ROOT, 'tests/.screenshots');
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const DESKTOP = { width: 1280, height: 860 };
/** The two window sizes issue 27 names: a laptop's and a small window. */
export const WIDE = { width: 1280, height: 800 };
export const NARROW = { width: 900, height: 600 };

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  if (!rendererDir()) throw new Error('Build the renderer first (npm run build).');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
}

/** Chromium and one desktop-sized page, not yet signed in (each file signs in its own way). */
export async function launchDesktopPage(): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: DESKTOP });
  page.setDefaultTimeout(10_000);
  return { browser, page };
}

/** Chromium and a page signed in to `gw` (see signedInPage). */
export async function launchSignedIn(gw: { gateway: Gateway }): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  return { browser, page: await signedInPage(browser, gw) };
}

/** Closes what a file opened, in the order given (the browser first); what never started is skipped. */
export async function closeInOrder(...opened: ({ close(): Promise<void> } | null | undefined)[]): Promise<void> {
  for (const thing of opened) await thing?.close();
}

/**
 * A gateway started the way `loopgate serve --config FILE` starts one: the config is read from
 * a file, so the app marks what the file defines "from config file" (a config given as text,
 * as tests/helpers/gateway.ts gives it, has no file to name).
 */
export async function startFileGateway(yaml: string): Promise<{ url: string; gateway: Gateway; logger: MemoryLogger; close(): Promise<void> }> {
  const config = await loadConfigFile(writeConfig(tempDir('loopgate-e2e-config-'), yaml), {});
  const logger = new MemoryLogger();
  const store = await openStore(tempDir('loopgate-e2e-data-'), logger);
  const app = await createApp({ config, masterKey: TEST_MASTER_KEY, logger, store });
  const gateway = createGateway(app, { uiDir: rendererDir() });
  const { origin } = await gateway.listen(0, '127.0.0.1');
  return {
    url: origin,
    gateway,
    logger,
    async close() {
      await gateway.close(1_000);
      await app.close();
      await store.close();
    },
  };
}

/** The looks a view is checked in besides the light desktop one: dark, and a 900 px window. */
export const OTHER_LOOKS = [
  ['dark', { colorScheme: 'dark', width: DESKTOP.width }],
  ['900', { colorScheme: 'light', width: 900 }],
] as const;

/** The light desktop look and OTHER_LOOKS, each named for its screenshot. */
export const LOOKS = [['light', { colorScheme: 'light', width: DESKTOP.width }], ...OTHER_LOOKS] as const;

/** Light and dark at the desktop size, and light in a 900×600 window, each named for its screenshot. */
export const LOOKS_SMALL_WINDOW = [
  ['light', { colorScheme: 'light' }],
  ['dark', { colorScheme: 'dark' }],
  ['900x600', { ...NARROW, colorScheme: 'light' }],
] as const;

/** A new page (its own cookies), signed in with a one-time link, on the Overview; `axe`: the CSP bypassed so axe-core can be injected. */
export async function signedInPage(browser: Browser, gw: { gateway: Gateway }, options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number; axe?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: options.width ?? DESKTOP.width, height: options.height ?? DESKTOP.height }, colorScheme: options.colorScheme ?? 'light', bypassCSP: options.axe ?? false });
  page.setDefaultTimeout(10_000);
  await page.goto(gw.gateway.loginLink());
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return page;
}

/** Closes every toast, so a picture shows the view itself. */
export async function dismissToasts(page: Page): Promise<void> {
  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  // Toasts also leave on their own, and the others move up meanwhile: a click that finds its toast gone is retried.
  for (let tries = 0; tries < 20 && (await dismiss.count()) > 0; tries++)
    await dismiss
      .first()
      .click({ timeout: 1_000 })
      .catch(() => undefined);
  expect(await dismiss.count()).toBe(0);
}

/**
 * A screenshot; toasts are dismissed first unless a modal dialog keeps them out of reach (dismiss
 * them before opening it). The view scrolls in its own box (<main>), so a full picture makes the
 * window tall enough to show all of it, then puts the size back.
 */
export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  if ((await page.locator('dialog[open]').count()) === 0) await dismissToasts(page);
  const size = page.viewportSize();
  const hidden = fullPage && size ? await page.evaluate<number>('(() => { const main = document.querySelector("main"); return main ? main.scrollHeight - main.clientHeight : 0; })()') : 0;
  if (size && hidden > 0) await page.setViewportSize({ width: size.width, height: size.height + hidden });
  try {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  } finally {
    if (size && hidden > 0) await page.setViewportSize(size);
  }
}

/** How far the page, or the view's own scrolling box, scrolls sideways (0: not at all). */
export function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate<number>(`Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth,
    (() => { const main = document.querySelector('main'); return main ? main.scrollWidth - main.clientWidth : 0; })())`);
}

export async function go(page: Page, view: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBeTruthy();
}

/** What axe-core finds serious or critical on the page as it is now: "rule: target" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: axe.source });
  return page.evaluate<string[]>(`window.axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => v.id + ': ' + node.target.join(' ') + ' — ' + node.failureSummary.split('\\n').slice(0, 2).join(' '))))`);
}

/** Providers → New provider, filled in and sent (the type is picked only when given); returns the form. */
export async function addProvider(page: Page, provider: { type?: string; name: string; apiBase: string; apiKey: string }): Promise<Locator> {
  await page.getByRole('button', { name: 'New provider' }).click();
  const form = page.getByRole('form', { name: 'Add a provider' });
  if (provider.type) await form.getByLabel('Type').selectOption(provider.type);
  await form.getByLabel('Name').fill(provider.name);
  await form.getByLabel('Base URL').fill(provider.apiBase);
  await form.getByLabel('API key').fill(provider.apiKey);
  await form.getByRole('button', { name: 'Add provider' }).click();
  return form;
}

/** Keys → New key with `name` typed in: the form, for the rest. */
export async function newKeyForm(page: Page, name: string): Promise<Locator> {
  await go(page, 'Keys');
  await page.getByRole('button', { name: 'New key' }).click();
  const form = page.getByRole('form', { name: 'Create a key' });
  await form.getByLabel('Name').fill(name);
  return form;
}

/** The new key's secret, as the page shows it once after "Create key". */
export async function shownSecret(page: Page): Promise<string> {
  const secretBox = page.locator('[data-secret]');
  await secretBox.waitFor();
  return (await secretBox.textContent())!.trim();
}

/** Providers: Delete on the provider `name`; returns the app's dialog that asks first. */
export async function askToDeleteProvider(page: Page, name: string): Promise<Locator> {
  await page
    .getByRole('article', { name })
    .getByRole('button', { name: /Delete/ })
    .click();
  return page.getByRole('dialog', { name: `Delete the provider “${name}”?` });
}
