// Capture and replay in the real UI: capture of failed requests is turned on in Logs, a request to
// a group whose upstream fails is captured, its bodies are opened, and it is replayed to another
// group; the original answer (the failure) and the replay's show side by side, and the replay's
// row names the request it replayed. Light, dark and a 900 px window are screenshotted.
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatStatus, TEST_MASTER_KEY } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { axeViolations, closeInOrder, go, launchChromium, newKeyForm, shot, shownSecret, sidewaysScroll, signedInPage, startFileGateway, OTHER_LOOKS } from './ui.js';

let upstream: MockUpstream;
let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;
let page: Page;

const PROMPT = 'summarise the incident report in two lines';

beforeAll(async () => {
  upstream = await startMockOpenAI();
  // Both groups on one mock: "flaky" names a model the mock always fails (500), "steady" answers.
  gw = await startFileGateway(`model_list:
  - model_name: flaky
    litellm_params: { model: openai/fail-500, api_base: ${upstream.apiBase}, api_key: sk-up }
  - model_name: steady
    litellm_params: { model: openai/gpt-4o, api_base: ${upstream.apiBase}, api_key: sk-up }
router_settings:
  num_retries: 0
`);
  browser = await launchChromium();
  page = await signedInPage(browser, gw);
}, 60_000);

afterAll(() => closeInOrder(browser, gw, upstream));

const requests = (on: Page) => on.getByRole('region', { name: 'Requests' }).locator('tbody tr');
const details = (on: Page) => on.getByRole('complementary', { name: 'Request details' });

/** Opens the newest failed request and replays it to "steady"; resolves once both answers show. */
async function replayNewestFailure(on: Page): Promise<void> {
  await on.getByRole('combobox', { name: 'Status' }).selectOption('error');
  await expect.poll(() => requests(on).count()).toBeGreaterThan(0);
  await requests(on).first().click();
  await details(on).getByLabel('Replay to').selectOption('steady');
  await details(on).getByRole('button', { name: 'Replay' }).click();
  await on.getByRole('region', { name: 'Replay comparison' }).waitFor();
}

describe('capture and replay from Logs', () => {
  it('turns on capture of failed requests in Logs, and a failing request then keeps its bodies', async () => {
    await go(page, 'Logs');
    await page.getByText('Retention & capture').click();
    await page.getByLabel('Keep bodies').selectOption('failed');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByText('Retention & capture').locator('..').innerText()).toMatch(/bodies of failed requests kept/);
    expect(await chatStatus(gw, 'steady', TEST_MASTER_KEY, 'this one works')).toBe(200);
    expect(await chatStatus(gw, 'flaky', TEST_MASTER_KEY, PROMPT)).toBe(500);
    await expect.poll(() => requests(page).count()).toBe(2);
    // The served request kept nothing; the failed one its request and the upstream's error.
    await requests(page).nth(1).click();
    await expect.poll(() => details(page).innerText()).toMatch(/Not captured/);
    await requests(page).first().click();
    const panel = details(page);
    await panel.locator('summary', { hasText: /^Request$/ }).click();
    await expect.poll(() => panel.getByLabel('Request body').innerText()).toContain(PROMPT);
    await panel.locator('summary', { hasText: /^Answer$/ }).click();
    expect(await panel.getByLabel('Answer body').innerText()).toContain('The server had an error');
    await shot(page, 'replay-bodies-light');
  });

  it('replays it to another group and shows the failure and the new answer side by side; the replay is logged as one', async () => {
    await details(page).getByLabel('Replay to').selectOption('steady');
    await details(page).getByRole('button', { name: 'Replay' }).click();
    const comparison = page.getByRole('region', { name: 'Replay comparison' });
    const original = comparison.getByRole('article', { name: 'Original answer' });
    const replayed = comparison.getByRole('article', { name: 'Replay answer' });
    await expect.poll(() => replayed.innerText()).toMatch(/steady[\s\S]*200[\s\S]*Hello from mock: summarise the incident report/);
    expect(await original.innerText()).toMatch(/flaky[\s\S]*500[\s\S]*The server had an error/);
    await shot(page, 'replay-light');
    // The replay's own row: sent as the master key to "steady", marked as a replay of the original.
    const originalId = (await details(page).locator('dd.mono').innerText()).trim();
    await replayed.getByRole('button').click();
    await expect.poll(() => details(page).innerText()).toMatch(new RegExp(`Replay of\\s+${originalId}`));
    expect(await details(page).innerText()).toMatch(/Model\s+steady/);
    // In the list, the replay's row says it is one.
    await page.getByRole('combobox', { name: 'Status' }).selectOption('');
    await expect.poll(() => requests(page).first().innerText()).toMatch(/steady[\s\S]*200[\s\S]*replay/);
  });

  it('keeps every request of a key set to "All requests" in its form, while the app keeps failed ones only', async () => {
    const form = await newKeyForm(page, 'recorded');
    await form.getByLabel('Keep bodies').selectOption('all');
    await shot(page, 'replay-key-form-light', false);
    await form.getByRole('button', { name: 'Create key' }).click();
    const secret = await shownSecret(page);
    await page.getByRole('button', { name: 'Done' }).click();
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'steady', messages: [{ role: 'user', content: 'a served request, kept for this key' }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    await go(page, 'Logs');
    await expect.poll(() => requests(page).first().innerText()).toMatch(/recorded[\s\S]*200/);
    await requests(page).first().click();
    const panel = details(page);
    await panel.locator('summary', { hasText: /^Answer$/ }).click();
    await expect.poll(() => panel.getByLabel('Answer body').innerText()).toContain('Hello from mock: a served request, kept for this key');
    // The key's secret never shows in what was kept.
    expect(await panel.innerText()).not.toContain(secret);
  });

  it('reads in dark mode and in a 900 px window without sideways scrolling, with nothing axe finds serious', async () => {
    for (const [name, look] of OTHER_LOOKS) {
      const other = await signedInPage(browser, gw, { ...look, axe: true });
      await go(other, 'Logs');
      await replayNewestFailure(other);
      await expect.poll(() => other.getByRole('article', { name: 'Replay answer' }).innerText()).toMatch(/Hello from mock/);
      expect(await sidewaysScroll(other)).toBe(0);
      expect(await axeViolations(other), name).toEqual([]);
      await shot(other, `replay-${name}`);
      await other.close();
    }
  });
});
