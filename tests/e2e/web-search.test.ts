// The Providers view's web search card in Chromium: choose SearXNG, give its URL, Test runs one
// real search against a local SearXNG-shaped mock and lists what it found, Save makes it the
// provider in force (still there after a reload). Screenshotted light, dark and 900 px wide.
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockSearch, type MockSearch } from '../helpers/mock-search.js';
import { axeViolations, closeInOrder, DESKTOP, go, launchSignedIn, shot, signedInPage, startFileGateway } from './ui.js';

let searx: MockSearch;
let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  searx = await startMockSearch('searxng');
  gw = await startFileGateway('model_list: []\n');
  ({ browser, page } = await launchSignedIn(gw));
});

afterAll(async () => {
  await closeInOrder(browser, gw, searx);
});

const card = (on: Page = page) => on.getByRole('form', { name: 'Web search' });

describe('Web search on the Providers view', () => {
  it('tests and saves a SearXNG provider', async () => {
    await go(page, 'Providers');
    await expect.poll(() => card().textContent()).toContain('In force: off; web search sent to non-Anthropic upstreams is refused');
    await card().getByLabel('Provider').selectOption('searxng');
    await expect.poll(() => card().getByRole('alert').first().textContent()).toContain('SearXNG needs the URL of your instance.');
    await card().getByLabel('URL').fill(searx.url);
    await card().getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => card().getByRole('status').textContent()).toBe('SearXNG answered with 3 results.');
    expect(await card().getByRole('listitem').first().textContent()).toContain('https://searxng.example/1?q=Loopgate');
    expect(searx.queries).toEqual(['Loopgate']);
    await shot(page, 'web-search-1-tested');
    await card().getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => card().textContent()).toContain(`In force: SearXNG at ${searx.url}.`);
    await page.reload();
    await go(page, 'Providers');
    await expect.poll(() => card().getByLabel('URL').inputValue()).toBe(searx.url);
  });

  it('looks right dark and in a narrow window', async () => {
    // axe runs a script of its own: this page lets it past the UI's Content-Security-Policy.
    const dark = await browser.newPage({ viewport: DESKTOP, colorScheme: 'dark', bypassCSP: true });
    await dark.goto(gw.gateway.loginLink());
    await go(dark, 'Providers');
    await card(dark).getByLabel('URL').waitFor();
    expect(await axeViolations(dark)).toEqual([]);
    await shot(dark, 'web-search-2-dark');
    await dark.close();
    const narrow = await signedInPage(browser, gw, { width: 900 });
    await go(narrow, 'Providers');
    await card(narrow).getByLabel('URL').waitFor();
    await shot(narrow, 'web-search-3-narrow');
    await narrow.close();
  });
});
