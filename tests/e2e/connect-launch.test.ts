// Connect's one-liners: each tool's `loopgate run …` first with its copy button, the setup by hand
// second; "Install the loopgate command" in the desktop app (its IPC answered by a stand-in
// window.loopgate over the same HTTP API) and the manual instruction in browser mode. Screenshots
// light, dark and 900 px wide into tests/.screenshots.
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { axeViolations, closeInOrder, go, launchChromium, shot, sidewaysScroll, startFileGateway } from './ui.js';

let upstream: MockUpstream;
let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startFileGateway(`model_list:${openaiModel('chat', 'mock-model', upstream.apiBase)}\n`);
  browser = await launchChromium();
});

afterAll(async () => {
  await closeInOrder(browser, gw, upstream);
});

/** A signed-in page; CSP bypassed for axe's inline script. */
async function open(options: { colorScheme?: 'light' | 'dark'; width?: number } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: 860 }, colorScheme: options.colorScheme ?? 'light', bypassCSP: true });
  page.setDefaultTimeout(10_000);
  await page.goto(gw.gateway.loginLink());
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return page;
}

/** Connect with the tool cards showing: the first visit makes the key they need. */
async function connectPage(page: Page, makeKey = false): Promise<void> {
  await go(page, 'Connect');
  if (makeKey) await page.getByRole('button', { name: 'Create a key to fill in' }).click();
  await page.getByRole('tabpanel', { name: 'Claude Code' }).waitFor();
}

/** The tool's tab opened: its setup is the one panel shown. */
async function card(page: Page, tool: string): Promise<ReturnType<Page['getByRole']>> {
  await page.getByRole('tab', { name: tool }).click();
  return page.getByRole('tabpanel', { name: tool });
}

describe('Connect in browser mode', () => {
  it('puts each tool’s loopgate run one-liner before its setup by hand, and says how to get the command', async () => {
    const page = await open();
    await connectPage(page, true);
    for (const [tool, command] of [
      ['Claude Code', 'loopgate run claude'],
      ['Codex CLI', 'loopgate run codex'],
      ['Gemini CLI', 'loopgate run gemini'],
      ['opencode', 'loopgate run opencode'],
      ['Qwen Code', 'loopgate run qwen'],
      ['OpenAI SDK', 'loopgate run -- node app.js'],
    ] as const) {
      const region = await card(page, tool);
      expect(await region.locator('.run code').textContent()).toBe(command);
      await region.getByRole('button', { name: `Copy ${tool} command: ${command}` }).waitFor();
      // The one-liner comes first, the setup by hand after it.
      const order = await region.evaluate((el) => {
        const run = el.querySelector('.run');
        const pre = el.querySelector('pre');
        return run && pre ? run.compareDocumentPosition(pre) & 4 : 0; // DOCUMENT_POSITION_FOLLOWING
      });
      expect(order, tool).toBeGreaterThan(0);
    }
    const about = page.getByRole('region', { name: 'The loopgate command' });
    await about.getByText('npx loopgate run claude').waitFor();
    expect(await about.getByRole('button', { name: 'Install the loopgate command' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'connect-1-one-liners');
    await page.close();
  });

  it('looks right dark and in a 900 px window', async () => {
    const dark = await open({ colorScheme: 'dark' });
    await connectPage(dark);
    expect(await axeViolations(dark)).toEqual([]);
    await shot(dark, 'connect-2-one-liners-dark', false);
    await dark.close();
    const narrow = await open({ width: 900 });
    await connectPage(narrow);
    expect(await sidewaysScroll(narrow)).toBe(0);
    await shot(narrow, 'connect-3-one-liners-narrow', false);
    await narrow.close();
  });
});

describe('Connect in the desktop app', () => {
  it('installs the loopgate command through the app and says what it did', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    // The preload's window.loopgate, stood in for: every method over the HTTP API, but the shell's own.
    await page.addInitScript({
      content: `window.loopgate = {
        invoke: async (method, request) => method === 'shell.installCommand'
          ? { ok: true, value: { installed: true, path: '/usr/local/bin/loopgate', message: 'Linked /usr/local/bin/loopgate; run \`loopgate run claude\` in a terminal.' } }
          : (await fetch('/ui/api/' + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request ?? {}) })).json(),
        on: () => () => undefined,
      };`,
    });
    await page.goto(gw.gateway.loginLink());
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await go(page, 'Connect');
    await page.getByRole('button', { name: 'Install the loopgate command' }).click();
    await page.getByRole('status').filter({ hasText: 'Linked /usr/local/bin/loopgate' }).waitFor();
    await shot(page, 'connect-4-install-command', false);
    await page.close();
  });
});
