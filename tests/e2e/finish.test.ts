// Issue 27 in the real UI, at the sizes a person uses (1280×800 and 900×600), light and dark:
// the Playground's message box stays on screen under a long conversation and a failed turn keeps
// its error; the Keys list says "over budget" for a key the gateway refuses, writes limits and
// budgets as people read them, keeps long names to one line and folds row actions into a menu
// at 900 px; typed values are not semibold; placeholders keep 4.5:1. Screenshots in tests/.screenshots.
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { axeViolations, closeInOrder, go, launchChromium, shot, signedInPage, WIDE, NARROW } from './ui.js';

/** The browser's, inside page.evaluate (the tests' tsconfig has no DOM library). */
declare function getComputedStyle(element: object, pseudo?: string): { fontWeight: string; lineHeight: string; color: string; backgroundColor: string };

const LONG_NAME = 'research-assistant-for-the-quarterly-planning-offsite-team';

let upstream: MockUpstream;
let gw: TestGateway;
let browser: Browser;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  const priced = '\n    model_info:\n      input_cost_per_token: 0.001\n      output_cost_per_token: 0.001';
  gw = await startTestGateway(`model_list:${openaiModel('chat', 'mock-model', upstream.apiBase, priced)}${openaiModel('broken', 'fail-500', upstream.apiBase)}\n`);
  browser = await launchChromium();
  // A key refused for its spent budget: one priced answer spends past $0.0005.
  const made = await gw.manage('POST', '/key/generate', { key_alias: 'spent', max_budget: 0.0005, tpm_limit: 250_000 });
  await gw.client(made.body.key as string).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hello there' }] });
  // Spend is counted when the answer ends: wait (bounded) until the gateway refuses the key.
  let refused = false;
  for (let tries = 0; tries < 50 && !refused; tries++) {
    refused = await gw
      .client(made.body.key as string)
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'again' }] })
      .then(
        () => false,
        () => true,
      );
    if (!refused) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!refused) throw new Error('The spent key was never refused.');
  await gw.manage('POST', '/key/generate', { key_alias: LONG_NAME, models: ['chat'] });
}, 60_000);

afterAll(() => closeInOrder(browser, gw, upstream));

/** A signed-in page of `size`, axe allowed in. */
const open = (size: { width: number; height: number }, colorScheme: 'light' | 'dark'): Promise<Page> => signedInPage(browser, gw, { ...size, colorScheme, axe: true });

/** Whether the whole of `box` lies inside the window. */
async function onScreen(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).boundingBox();
  const size = page.viewportSize()!;
  return !!box && box.y >= 0 && box.y + box.height <= size.height + 0.5 && box.x >= 0 && box.x + box.width <= size.width + 0.5;
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('button', { name: 'Send' }).waitFor();
}

describe('the Playground', () => {
  for (const [size, exchanges] of [
    [WIDE, 4],
    [NARROW, 3],
  ] as const) {
    it(`keeps the message box on screen after ${exchanges} exchanges at ${size.width}×${size.height}, and a failed turn keeps its error`, async () => {
      const page = await open(size, 'light');
      await go(page, 'Playground');
      await page.getByRole('combobox', { name: /^Model/ }).selectOption('broken');
      await send(page, 'this one fails');
      await page.getByRole('alert').filter({ hasText: '500 from broken' }).waitFor();
      await page.getByRole('combobox', { name: /^Model/ }).selectOption('chat');
      const long = 'Tell me, in a few lines, how a gateway routes a request to a model and what it records about it afterwards.\n'.repeat(3);
      for (let i = 1; i <= exchanges; i++) {
        await send(page, `${i}. ${long}`);
        await page
          .getByRole('article', { name: 'Answer from chat' })
          .nth(i - 1)
          .getByText(`Hello from mock: ${i}.`, { exact: false })
          .waitFor();
      }
      // The conversation is longer than the window, yet the box to type in and the newest answer are in view.
      expect(await page.evaluate('document.querySelector("main").scrollHeight > innerHeight')).toBe(true);
      await expect.poll(() => onScreen(page, 'form.composer textarea')).toBe(true);
      await expect.poll(() => onScreen(page, 'form.composer button')).toBe(true);
      await expect.poll(() => page.getByRole('article', { name: 'Answer from chat' }).last().isVisible()).toBe(true);
      // The failure is still there, with its turn.
      await expect(page.getByRole('alert').filter({ hasText: '500 from broken' }).count()).resolves.toBe(1);
      await expect(page.getByRole('article', { name: 'Answer from broken' }).getByText('500 from broken').count()).resolves.toBe(1);
      await shot(page, `finish-playground-${size.width}x${size.height}`, false);
      await page.close();
    });
  }
});

describe('the Keys list', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`says "over budget" for a refused key and reads its numbers at both sizes (${colorScheme})`, async () => {
      for (const size of [WIDE, NARROW]) {
        const page = await open(size, colorScheme);
        await go(page, 'Keys');
        const spent = page.getByRole('row', { name: 'Key spent' });
        await spent.getByText('over budget', { exact: true }).waitFor();
        await expect(spent.getByText('active', { exact: true }).count()).resolves.toBe(0);
        await spent.getByText('250,000 tpm').waitFor();
        await spent.getByText(/of \$0\.0005$/).waitFor();
        // The long name keeps to one line, and all of it is in the title (hover).
        const name = page
          .getByRole('row', { name: `Key ${LONG_NAME}` })
          .locator('td')
          .first();
        const line = await name.locator('strong').evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 20);
        expect(await name.locator('strong').evaluate((el) => el.getBoundingClientRect().height)).toBeLessThan(line * 1.5);
        await expect(name.locator('[title]').first().getAttribute('title')).resolves.toBe(LONG_NAME);
        expect(await axeViolations(page), `Keys ${colorScheme} ${size.width}`).toEqual([]);
        await shot(page, `finish-keys-${colorScheme}-${size.width}x${size.height}`);
        await page.close();
      }
    });
  }

  it('folds row actions into a menu at 900 px, and names tools in the delete dialog in a sentence', async () => {
    const page = await open(NARROW, 'light');
    await go(page, 'Keys');
    const row = page.getByRole('row', { name: 'Key spent' });
    await expect(row.getByRole('button', { name: 'Revoke' }).count()).resolves.toBe(0);
    await row.getByLabel('Actions for spent').click();
    await row.scrollIntoViewIfNeeded();
    await shot(page, 'finish-keys-menu-900x600', false);
    const width = await row.locator('details .menu').evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBeLessThan(200);
    await row.getByRole('button', { name: 'Delete spent' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the key “spent”?' });
    // The openai package's User-Agent is a known tool; the sentence starts with words, not a User-Agent's.
    await dialog.getByText(/^In the last 7 days this key was used by OpenAI SDK \(JS\)/).waitFor();
    await shot(page, 'finish-keys-delete-dialog-900x600', false);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(row.locator('details .menu').isVisible()).resolves.toBe(false);
    await page.close();
  });
});

describe('forms', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`show typed values at normal weight and placeholders at 4.5:1 or more (${colorScheme})`, async () => {
      const page = await open(WIDE, colorScheme);
      await go(page, 'Keys');
      const search = page.getByRole('searchbox', { name: /Search/ });
      await search.fill('x');
      expect(await search.evaluate((el) => Number(getComputedStyle(el).fontWeight))).toBeLessThanOrEqual(400);
      await search.fill('');
      const ratio = await search.evaluate((el) => {
        const rgb = (text: string): number[] => (text.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const lum = ([r, g, b]: number[]): number => {
          const [R, G, B] = [r!, g!, b!].map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
          return 0.2126 * R! + 0.7152 * G! + 0.0722 * B!;
        };
        const fg = lum(rgb(getComputedStyle(el, '::placeholder').color));
        const bg = lum(rgb(getComputedStyle(el).backgroundColor));
        return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      });
      expect(ratio).toBeGreaterThanOrEqual(4.5);
      await page.close();
    });
  }
});
