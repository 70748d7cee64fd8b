// Issue 27's lists in the real UI, at 1280×800 and 900×600, light and dark: the Logs details
// lie over the table (a side peek) instead of squeezing it, Escape closes them and focus goes
// back to the row, a request stopped in the Playground reads "stopped", long key and model
// names keep to one line with all of the name on hover and focus; the Overview says how many
// requests failed (count and share), keeps long model names to one line, labels its chart's
// axis without repeats and says plainly what is set up. Screenshots in tests/.screenshots.
import OpenAI from 'openai';
import type { Browser, Locator, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { axeViolations, closeInOrder, go, launchChromium, shot, signedInPage, WIDE, NARROW } from './ui.js';

/** The browser's, inside page.evaluate (the tests' tsconfig has no DOM library). */
declare function getComputedStyle(element: object): { lineHeight: string };

const LONG_KEY = 'research-assistant-for-the-quarterly-planning-offsite';
const LONG_MODEL = 'claude-sonnet-4-5-20250929-extended-thinking-preview';

let upstream: MockUpstream;
let gw: TestGateway;
let browser: Browser;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  const priced = '\n    model_info:\n      input_cost_per_token: 0.000003\n      output_cost_per_token: 0.000015';
  const models = [
    openaiModel('gpt-4o-mini', 'mock-model', upstream.apiBase, priced),
    openaiModel(LONG_MODEL, 'mock-model', upstream.apiBase, priced),
    openaiModel('broken', 'fail-500', upstream.apiBase),
    openaiModel('held', 'pause-stream', upstream.apiBase),
  ];
  gw = await startTestGateway(`model_list:${models.join('')}\nrouter_settings:\n  num_retries: 0\n`);
  browser = await launchChromium();
  const made = await gw.manage('POST', '/key/generate', { key_alias: LONG_KEY });
  const client = new OpenAI({ apiKey: made.body.key as string, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const ask = (model: string, content: string): Promise<unknown> => client.chat.completions.create({ model, messages: [{ role: 'user', content }] }).catch(() => null);
  // Today: 7 requests, 2 of them failed (29%).
  for (const [model, content] of [
    [LONG_MODEL, 'Summarise the planning notes'],
    [LONG_MODEL, 'Draft the agenda'],
    ['gpt-4o-mini', 'Name three risks'],
    ['gpt-4o-mini', 'And three mitigations'],
    ['gpt-4o-mini', 'Thanks'],
    ['broken', 'This one fails'],
    ['broken', 'So does this one'],
  ])
    await ask(model!, content!);
}, 60_000);

afterAll(async () => {
  upstream?.releaseStreams();
  await closeInOrder(browser, gw, upstream);
});

/** A signed-in page of `size`, axe allowed in. */
const open = (size: { width: number; height: number }, colorScheme: 'light' | 'dark'): Promise<Page> => signedInPage(browser, gw, { ...size, colorScheme, axe: true });

/** Whether an element keeps to one line of its own text. */
async function oneLine(element: Locator): Promise<boolean> {
  const line = await element.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 20);
  return (await element.evaluate((el) => el.getBoundingClientRect().height)) < line * 1.5;
}

/** The table's width, its box's sideways scroll, and how far the Cost column's right edge lies past the box's. */
function tableLayout(page: Page): Promise<{ width: number; scroll: number; costPastBox: number }> {
  return page.evaluate(`(() => {
    const box = document.querySelector('[aria-label="Requests"] .table-box');
    const cost = [...box.querySelectorAll('th')].find((th) => th.textContent === 'Cost');
    return { width: box.querySelector('table').getBoundingClientRect().width, scroll: box.scrollWidth - box.clientWidth, costPastBox: cost.getBoundingClientRect().right - box.getBoundingClientRect().right };
  })()`);
}

describe('the Logs view', () => {
  it('marks a request stopped in the Playground "stopped", not as a red failure', async () => {
    const page = await open(WIDE, 'light');
    await go(page, 'Playground');
    await page.getByRole('combobox', { name: /^Model/ }).selectOption('held');
    await page.getByLabel('Message', { exact: true }).fill('Tell me a long story');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => upstream.pausedStreams).toBe(1);
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    await go(page, 'Logs');
    const row = page.getByRole('row', { name: /held, stopped$/ });
    await row.getByText('stopped', { exact: true }).waitFor();
    await expect(row.locator('.badge.danger').count()).resolves.toBe(0);
    await row.click();
    const details = page.getByRole('complementary', { name: 'Request details' });
    await details.getByText(/^Stopped: the client closed the connection/).waitFor();
    await expect(details.getByRole('alert').count()).resolves.toBe(0);
    await shot(page, 'lists-logs-stopped-1280x800', false);
    await page.close();
  });

  for (const colorScheme of ['light', 'dark'] as const)
    for (const size of [WIDE, NARROW])
      it(`opens details over the table without squeezing it, and Escape closes them back to the row (${colorScheme}, ${size.width}×${size.height})`, async () => {
        const page = await open(size, colorScheme);
        await go(page, 'Logs');
        const row = page.getByRole('row', { name: new RegExp(`by ${LONG_KEY}, ${LONG_MODEL}`) }).first();
        await row.waitFor();
        const before = await tableLayout(page);
        if (size === WIDE) expect(before, 'the Cost column is in view').toMatchObject({ scroll: 0, costPastBox: expect.toSatisfy((past: number) => past <= 0.5) as number });
        // Long names keep to one line; all of each is in its title (hover).
        for (const [name, text] of [
          ['.key', LONG_KEY],
          ['.model', LONG_MODEL],
        ] as const) {
          expect(await oneLine(row.locator(name)), `${name} on one line`).toBe(true);
          await expect(row.locator(name).getAttribute('title')).resolves.toBe(text);
        }
        await row.click();
        const details = page.getByRole('complementary', { name: 'Request details' });
        await details.getByText('Tokens', { exact: true }).waitFor();
        // The table keeps its width and columns under the panel: nothing squeezed, nothing scrolled out.
        const after = await tableLayout(page);
        expect(after.width).toBeCloseTo(before.width, 0);
        expect(after.scroll).toBe(before.scroll);
        expect(after.costPastBox).toBeCloseTo(before.costPastBox, 0);
        await expect(row.locator('.model').evaluate((el) => el.getBoundingClientRect().width)).resolves.toBeGreaterThan(60);
        expect(await axeViolations(page), `Logs with details, ${colorScheme} ${size.width}`).toEqual([]);
        await shot(page, `lists-logs-details-${colorScheme}-${size.width}x${size.height}`, false);
        await page.keyboard.press('Escape');
        await expect(details.count()).resolves.toBe(0);
        // Focus is back on the row, which now shows the names whole.
        await expect.poll(() => row.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
        await expect(row.locator('.model').evaluate((el) => el.scrollWidth <= el.clientWidth)).resolves.toBe(true);
        await page.close();
      });
});

/** The Overview chart's value-axis labels, top first. */
function axisLabels(page: Page): Promise<string[]> {
  return page.locator('[aria-label="Usage over time"] .axis span').allTextContents();
}

describe('the Overview', () => {
  for (const colorScheme of ['light', 'dark'] as const)
    for (const size of [WIDE, NARROW])
      it(`says how many requests failed, keeps long model names to one line and labels the axis once each (${colorScheme}, ${size.width}×${size.height})`, async () => {
        const page = await open(size, colorScheme);
        const today = page.getByRole('region', { name: 'Today' });
        // 7 requests today, 2 failed (the one stopped in the Playground is no failure).
        await expect.poll(() => today.getByTestId('failed-today').textContent()).toMatch(/^2 failed · (29|25)%$/);
        await today.getByText(/^\d+ models?$/).waitFor();
        await expect(today.getByText('Models · keys').count()).resolves.toBe(0);
        const usage = page.getByRole('region', { name: 'Usage over time' });
        for (const metric of ['Requests', 'Failures', 'Tokens', 'Spend']) {
          await usage.getByRole('button', { name: metric, exact: true }).click();
          await usage.getByRole('figure', { name: metric }).waitFor();
          const labels = await axisLabels(page);
          expect(new Set(labels).size, `${metric}: ${labels.join(', ')}`).toBe(labels.length);
        }
        await usage.getByRole('button', { name: 'Failures', exact: true }).click();
        await usage.getByText(/^· (29|25)% of (7|8) requests$/).waitFor();
        const byModel = page.getByRole('region', { name: 'By model' });
        const label = byModel.locator('.label', { hasText: LONG_MODEL });
        expect(await oneLine(label)).toBe(true);
        await expect(label.getAttribute('title')).resolves.toBe(LONG_MODEL);
        expect(await axeViolations(page), `Overview ${colorScheme} ${size.width}`).toEqual([]);
        await usage.getByRole('button', { name: 'Requests', exact: true }).click();
        await shot(page, `lists-overview-${colorScheme}-${size.width}x${size.height}`);
        await page.close();
      });
});
