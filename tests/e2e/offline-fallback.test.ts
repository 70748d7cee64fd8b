// Routing → "When the cloud is unreachable, use" (issue 29, point 3, the app half): the field
// suggests the group that runs on this machine, saves it with the routing settings, and keeps it
// through a reload; a config file's offline_fallback is shown read-only. Checked at 1280×800 and
// 900×600, light and dark, axe clean.
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { axeViolations, closeInOrder, go, launchSignedIn, shot, sidewaysScroll, startFileGateway } from './ui.js';

let local: MockUpstream;
let gw: Awaited<ReturnType<typeof startFileGateway>>;
let fileGw: Awaited<ReturnType<typeof startFileGateway>> | null = null;
let browser: Browser;
let page: Page;

/** A cloud group (never called here) and a group served on loopback, which counts as this machine. */
const models = (localBase: string): string => `model_list:
  - model_name: cloud
    litellm_params: { model: openai/gpt-4o, api_base: "https://api.cloud.test/v1", api_key: sk-cloud }
  - model_name: local-llama
    litellm_params: { model: openai/llama3, api_base: "${localBase}" }
`;

beforeAll(async () => {
  local = await startMockOpenAI();
  gw = await startFileGateway(models(local.apiBase));
  ({ browser, page } = await launchSignedIn(gw));
}, 30_000);

afterAll(async () => {
  await closeInOrder(browser, gw, fileGw);
  await local.close();
});

const field = (on: Page = page) => on.getByRole('form', { name: 'Routing settings' }).getByLabel('When the cloud is unreachable, use');

async function openRouting(on: Page): Promise<void> {
  await go(on, 'Models & routing');
  await field(on).waitFor();
}

describe('offline fallback in the routing form', () => {
  it('suggests the local group, saves it, and shows it after a reload', async () => {
    await openRouting(page);
    expect(await field().inputValue()).toBe('');
    const form = page.getByRole('form', { name: 'Routing settings' });
    await form.getByText('Suggested: local-llama (this machine)').waitFor();
    await form.getByRole('button', { name: 'Use local-llama' }).click();
    expect(await field().inputValue()).toBe('local-llama');
    const saved = page.waitForResponse((response) => response.url().endsWith('/ui/api/routing.update'));
    await form.getByRole('button', { name: 'Save routing settings' }).click();
    expect((await saved).ok()).toBe(true);
    await form.getByText('All changes saved').waitFor();

    // A cloud group chosen instead is warned about.
    await field().selectOption('cloud');
    await form.getByText('cloud does not run on this machine').waitFor();
    await form.getByRole('button', { name: 'Discard changes' }).click();

    await page.reload();
    await field().waitFor();
    expect(await field().inputValue()).toBe('local-llama');
    expect(await form.getByText('Suggested:').count()).toBe(0);
  });

  it('reads well at 1280×800 and 900×600, light and dark, axe clean', async () => {
    for (const width of [1280, 900]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const name = `${width}-${colorScheme}`;
        const view = await browser.newPage({ viewport: { width, height: width === 1280 ? 800 : 600 }, colorScheme, bypassCSP: true });
        await view.goto(gw.gateway.loginLink());
        await view.getByRole('heading', { name: 'Overview' }).waitFor();
        await openRouting(view);
        await field(view).scrollIntoViewIfNeeded();
        expect(await field(view).isVisible(), name).toBe(true);
        expect(await sidewaysScroll(view), name).toBe(0);
        expect(await axeViolations(view), name).toEqual([]);
        await shot(view, `offline-fallback-${name}`, false);
        await view.close();
      }
    }
  });

  it('shows a config file’s offline_fallback read-only', async () => {
    fileGw = await startFileGateway(`${models(local.apiBase)}router_settings:\n  offline_fallback: local-llama\n`);
    const view = await browser.newPage({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    await view.goto(fileGw.gateway.loginLink());
    await view.getByRole('heading', { name: 'Overview' }).waitFor();
    await openRouting(view);
    expect(await field(view).inputValue()).toBe('local-llama');
    expect(await field(view).isDisabled()).toBe(true);
    await view.getByText('Set by the config file').waitFor();
    expect(await axeViolations(view)).toEqual([]);
    await view.close();
  });
});
