// The bell: an alert that fires while the app is open shows as one new alert in the sidebar; the
// panel lists it and its link opens the key's logs. The alert settings save from the Keys view.
// Light, dark and a 900 px window are screenshotted and checked with axe.
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { axeViolations, closeInOrder, go, launchChromium, shot, sidewaysScroll, signedInPage, startFileGateway, OTHER_LOOKS } from './ui.js';

let upstream: MockUpstream;
let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;
let page: Page;
let keyId = '';

async function manage(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.json()) as Record<string, unknown>;
}

async function chat(key: string): Promise<void> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'say hi' }] }),
  });
  await response.text();
}

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startFileGateway(`model_list:
  - model_name: gpt-test
    litellm_params: { model: openai/gpt-4o, api_base: ${upstream.apiBase}, api_key: sk-up }
    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.001 }
`);
  browser = await launchChromium();
  page = await signedInPage(browser, gw);
}, 60_000);

afterAll(() => closeInOrder(browser, gw, upstream));

const bell = (on: Page) => on.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Alerts/ });

describe('the bell', () => {
  it('counts an alert that fires while the app is open; the panel lists it and opens the key’s logs', async () => {
    await expect.poll(() => bell(page).getAttribute('aria-expanded')).toBe('false');
    expect(await bell(page).textContent()).not.toMatch(/new/);
    const generated = await manage('/key/generate', { key_alias: 'ci-runner', max_budget: 0.04 });
    keyId = String(generated.token);
    // $0.007 a request: the fifth crosses 80% ($0.035 of $0.04), and nothing else is said before the budget runs out.
    for (let i = 0; i < 5; i++) await chat(String(generated.key));
    await expect.poll(() => bell(page).textContent()).toMatch(/1 new/);
    await shot(page, 'alerts-bell-light');
    await bell(page).click();
    const panel = page.getByRole('region', { name: 'Alerts' });
    await expect.poll(() => panel.getByRole('listitem').count()).toBe(1);
    expect(await panel.innerText()).toMatch(/Warning\s+Key ci-runner has spent 80% of its budget[\s\S]*\$0\.0350 of \$0\.04/);
    expect(await bell(page).textContent()).not.toMatch(/new/);
    await shot(page, 'alerts-panel-light', false);
    await panel.getByRole('link', { name: /ci-runner/ }).click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    expect(page.url()).toContain(`#/logs?key=${keyId}`);
    await expect.poll(() => page.getByRole('region', { name: 'Alerts' }).count()).toBe(0);
  });

  it('saves the alert settings from the Keys view', async () => {
    await go(page, 'Keys');
    await page.locator('summary', { hasText: 'Alerts' }).click();
    await page.getByLabel('Budget thresholds (%)').fill('50, 90');
    await page.getByLabel('A fallback taken').uncheck();
    await page.getByLabel('Webhook URL').fill('https://hooks.slack.example/services/T0');
    await page.getByLabel('Body').selectOption('slack');
    const form = page.locator('details', { hasText: 'Budget thresholds' });
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText('At 50%, 90% of a budget, with a webhook (set in the app).').waitFor();
    const saved = await page.evaluate(`fetch('/ui/api/alerts.settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.json())`);
    expect(saved).toMatchObject({ ok: true, value: { source: 'app', version: 1, settings: { budgetThresholds: [50, 90], webhook: { url: 'https://hooks.slack.example/…', format: 'slack' } } } });
    expect((saved as { value: { settings: { events: string[] } } }).value.settings.events).not.toContain('fallback');
    await shot(page, 'alerts-settings-light');
  });

  it('reads in dark mode and in a 900 px window without sideways scrolling, with nothing axe finds serious', async () => {
    for (const [name, look] of OTHER_LOOKS) {
      const other = await signedInPage(browser, gw, { ...look, axe: true });
      await expect.poll(() => bell(other).textContent()).toMatch(/1 new/);
      await shot(other, `alerts-bell-${name}`);
      await bell(other).click();
      await other.getByRole('region', { name: 'Alerts' }).getByRole('listitem').first().waitFor();
      expect(await sidewaysScroll(other)).toBe(0);
      expect(await axeViolations(other), name).toEqual([]);
      await shot(other, `alerts-panel-${name}`, false);
      await other.keyboard.press('Escape');
      await go(other, 'Keys');
      await other.locator('summary', { hasText: 'Alerts' }).click();
      await other.getByLabel('Budget thresholds (%)').waitFor();
      expect(await sidewaysScroll(other)).toBe(0);
      expect(await axeViolations(other), name).toEqual([]);
      await shot(other, `alerts-settings-${name}`);
      await other.close();
    }
  });
});
