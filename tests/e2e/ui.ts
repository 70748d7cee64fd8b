// What every end-to-end file needs to drive the real UI: Debian's Chromium, a page signed in
// through the gateway's one-time link, navigation by the menu, and screenshots into
// tests/.screenshots (git-ignored) with the toasts dismissed first.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import { expect } from 'vitest';
import { rendererDir } from '../../electron/app-info.js';
import { PROJECT_ROOT } from '../helpers/cli.js';
import type { TestGateway } from '../helpers/gateway.js';

export const SHOTS = join(PROJECT_ROOT, 'tests/.screenshots');
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const DESKTOP = { width: 1280, height: 860 };

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  if (!rendererDir()) throw new Error('Build the renderer first (npm run build).');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
}

/** A new page (its own cookies), signed in with a one-time link, on the Overview. */
export async function signedInPage(browser: Browser, gw: TestGateway, options: { colorScheme?: 'light' | 'dark'; width?: number } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { ...DESKTOP, width: options.width ?? DESKTOP.width }, colorScheme: options.colorScheme ?? 'light' });
  page.setDefaultTimeout(10_000);
  await page.goto(gw.gateway.loginLink());
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return page;
}

export async function shot(page: Page, name: string): Promise<void> {
  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export async function go(page: Page, view: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: view }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBeTruthy();
}
