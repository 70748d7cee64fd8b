// Copy buttons in the real UI (Debian's Chromium): "Copied" only when the clipboard took the
// text; a refused write — what the Electron window did before it granted clipboard writes —
// says "Copy failed" and how to copy by hand.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererDir } from '../../electron/core/app-info.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let gw: TestGateway;
let browser: Browser;

beforeAll(async () => {
  if (!rendererDir()) throw new Error('Build the renderer first (npm run build).');
  gw = await startTestGateway('model_list: []\n');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

async function overview(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(gw.gateway.loginLink());
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return page;
}

describe('Copy buttons', () => {
  it('say "Copied" when the clipboard took the text', async () => {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gw.url });
    const page = await overview(context);
    const button = page.getByRole('button', { name: /^Copy base URL/ });
    await button.click();
    await expect.poll(() => button.textContent()).toBe('Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(`${gw.url}/v1`);
    await context.close();
  });

  it('say "Copy failed", with what to do, when the clipboard refuses', async () => {
    const context = await browser.newContext();
    // What Chromium answers when the permission handler refuses clipboard-sanitized-write.
    await context.addInitScript({ content: "navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));" });
    const page = await overview(context);
    const button = page.getByRole('button', { name: /^Copy base URL/ });
    await button.click();
    await expect.poll(() => button.textContent()).toBe('Copy failed');
    await page.getByText('Could not copy to the clipboard. Select the text and copy it by hand.').waitFor();
    await context.close();
  });
});
