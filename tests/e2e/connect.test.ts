// Connect (issue 27): one tool at a time (tabs, picked with the keyboard, the choice in the URL)
// instead of eleven stacked setups; the setups name the most-used working model, not the first
// A–Z; the no-model banner reads as one sentence; each agent's setup wires Loopgate's /mcp too.
// 1280×800 and 900×600, light and dark; screenshots into tests/.screenshots.
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, TEST_MASTER_KEY } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { axeViolations, closeInOrder, go, launchChromium, shot, sidewaysScroll, startFileGateway } from './ui.js';

let upstream: MockUpstream;
/** a-broken (nothing listens on its port) sorts first A–Z; c-busy is the one people use. */
let gw: Awaited<ReturnType<typeof startFileGateway>>;
let empty: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startFileGateway(
    `model_list:${openaiModel('a-broken', 'mock-model', 'http://127.0.0.1:9/v1')}${openaiModel('b-quiet', 'mock-model', upstream.apiBase)}${openaiModel('c-busy', 'mock-model', upstream.apiBase)}\n`,
  );
  empty = await startFileGateway('model_list: []\n');
  browser = await launchChromium();
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: TEST_MASTER_KEY, maxRetries: 0 });
  for (let i = 0; i < 3; i += 1) await client.chat.completions.create({ model: 'c-busy', messages: [{ role: 'user', content: 'busy' }] });
  await client.chat.completions.create({ model: 'a-broken', messages: [{ role: 'user', content: 'broken' }] }).catch(() => undefined);
}, 30_000);

afterAll(async () => {
  await closeInOrder(browser, gw, empty, upstream);
});

async function open(target: typeof gw, options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 }, colorScheme: options.colorScheme ?? 'light', bypassCSP: true });
  page.setDefaultTimeout(10_000);
  await page.goto(target.gateway.loginLink());
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await go(page, 'Connect');
  return page;
}

const TOOLS = ['Claude Code', 'Codex CLI', 'Gemini CLI', 'opencode', 'Qwen Code', 'Aider', 'Continue', 'Cline', 'Open WebUI', 'OpenAI SDK', 'Anthropic SDK'];

describe('Connect', () => {
  it('shows one tool at a time, picked with the keyboard, the choice kept in the URL', async () => {
    const page = await open(gw);
    await page.getByRole('button', { name: 'Create a key to fill in' }).click();
    const tabs = page.getByRole('tablist', { name: 'Tools' }).getByRole('tab');
    await expect.poll(() => tabs.allTextContents()).toEqual(TOOLS);
    // At 1280 px the eleven tools are one row of tabs (the last one wrapped onto a row of its own before).
    expect(new Set(await tabs.evaluateAll((all) => all.map((tab) => tab.getBoundingClientRect().top))).size).toBe(1);
    await expect(page.getByRole('tabpanel').count()).resolves.toBe(1);
    await page.getByRole('tabpanel', { name: 'Claude Code' }).waitFor();
    // One setup instead of eleven: the page is about a screen or two, not 4,000 px.
    expect(Number(await page.evaluate('document.documentElement.scrollHeight'))).toBeLessThan(1600);
    await shot(page, 'connect-5-one-tool');
    // Keyboard: arrows along the row (focus and selection move together), Home and End.
    await page.getByRole('tab', { name: 'Claude Code' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tabpanel', { name: 'Codex CLI' }).waitFor();
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Codex CLI');
    await expect(page.getByRole('tab', { name: 'Codex CLI' }).getAttribute('aria-selected')).resolves.toBe('true');
    await page.keyboard.press('End');
    await page.getByRole('tabpanel', { name: 'Anthropic SDK' }).waitFor();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tabpanel', { name: 'Claude Code' }).waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('tabpanel', { name: 'Anthropic SDK' }).waitFor();
    await page.keyboard.press('Home');
    await page.getByRole('tab', { name: 'Gemini CLI' }).click();
    expect(page.url()).toMatch(/#\/connect\?tool=gemini$/);
    await page.reload();
    await page.getByRole('tabpanel', { name: 'Gemini CLI' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('names the most-used working model in the setups, not the first A–Z (which is failing)', async () => {
    const page = await open(gw);
    const select = page.getByRole('combobox', { name: /^Model/ });
    await expect.poll(() => select.inputValue()).toBe('c-busy');
    await expect(select.locator('option').allTextContents()).resolves.toEqual(['a-broken', 'b-quiet', 'c-busy']);
    await page.getByRole('tab', { name: 'Claude Code' }).click();
    await page.getByRole('tabpanel', { name: 'Claude Code' }).getByText('claude --model c-busy').waitFor();
    // A model the user picks stays picked.
    await select.selectOption('b-quiet');
    await page.getByRole('tabpanel', { name: 'Claude Code' }).getByText('claude --model b-quiet').waitFor();
    await page.close();
  });

  it('wires Loopgate’s /mcp into each agent’s setup with the same key', async () => {
    const page = await open(gw);
    const panel = (tool: string) => page.getByRole('tabpanel', { name: tool });
    await page.getByRole('tab', { name: 'Claude Code' }).click();
    await panel('Claude Code').getByText(`claude mcp add --scope user --transport http loopgate ${gw.url}/mcp --header "Authorization: Bearer`).waitFor();
    await page.getByRole('tab', { name: 'Codex CLI' }).click();
    await panel('Codex CLI').getByText('[mcp_servers.loopgate]', { exact: false }).waitFor();
    for (const tool of ['Claude Code', 'Codex CLI', 'Gemini CLI', 'opencode']) {
      await page.getByRole('tab', { name: tool }).click();
      await panel(tool).getByText(`This also connects ${tool} to the MCP servers Loopgate hosts`, { exact: false }).waitFor();
    }
    await shot(page, 'connect-6-mcp-opencode', false);
    await page.close();
  });

  it('looks right dark, and at 900×600 with nothing scrolling sideways', async () => {
    const dark = await open(gw, { colorScheme: 'dark' });
    await dark.getByRole('tabpanel').waitFor();
    expect(await axeViolations(dark)).toEqual([]);
    await shot(dark, 'connect-7-one-tool-dark', false);
    await dark.close();
    for (const colorScheme of ['light', 'dark'] as const) {
      const narrow = await open(gw, { width: 900, height: 600, colorScheme });
      await narrow.getByRole('tabpanel').waitFor();
      expect(await sidewaysScroll(narrow)).toBe(0);
      expect(await axeViolations(narrow)).toEqual([]);
      await shot(narrow, `connect-8-one-tool-900-${colorScheme}`, false);
      await narrow.close();
    }
  });

  it('says “add a model first” as one sentence, its link inline (1280 and 900 px)', async () => {
    for (const width of [1280, 900]) {
      const page = await open(empty, { width });
      const banner = page.locator('.banner').filter({ hasText: 'Add a model first' });
      await banner.waitFor();
      // The gap between "under" and the link is a space, not a flex gap of 100+ px.
      const gap = Number(
        await page.evaluate(`(() => {
          const link = document.querySelector('.banner a');
          const range = document.createRange();
          range.selectNodeContents(link.previousSibling);
          return link.getBoundingClientRect().left - [...range.getClientRects()].at(-1).right;
        })()`),
      );
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThan(12);
      expect(await axeViolations(page)).toEqual([]);
      await shot(page, `connect-9-no-model-${width}`, false);
      await page.close();
    }
  });
});
