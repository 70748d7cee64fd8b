// Sessions → a session's requests in Logs: two Claude Code sessions and a Codex one, in two
// projects, listed newest first with cost, tokens, requests, times and tool; per project too; a
// row opens its requests, and the Logs filters by session and project narrow the log. Overview
// sums them up. Light, dark and a 900 px window are screenshotted.
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { axeViolations, closeInOrder, go, launchChromium, shot, sidewaysScroll, signedInPage, startFileGateway, OTHER_LOOKS } from './ui.js';

let upstream: MockUpstream;
let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;
let page: Page;

const SESSION_A = '3b9d6e2a-41f7-4c55-9a0e-6d1f2c3b4a5e';
const SESSION_B = 'c07e5f19-8a2b-4d3c-b1e4-0f9a8b7c6d5e';
const CODEX = '01a24f98-02ae-7c73-b522-6ef5f619ef6b';

async function send(headers: Record<string, string>, content: string): Promise<void> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'sonnet', messages: [{ role: 'user', content }] }),
  });
  await response.text();
}

const claude = (session: string, project: string) => ({ 'x-claude-code-session-id': session, 'x-loopgate-project': project, 'user-agent': 'claude-cli/2.0.14 (external, cli)' });

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startFileGateway(`model_list:
  - model_name: sonnet
    litellm_params: { model: openai/gpt-4o, api_base: ${upstream.apiBase}, api_key: sk-up }
    model_info: { input_cost_per_token: 0.000003, output_cost_per_token: 0.000015 }
`);
  await send({ 'session-id': CODEX, 'x-loopgate-project': 'website', 'user-agent': 'codex_exec/0.171.0 (Debian 12.0.0; x86_64)' }, 'codex: fix the footer');
  for (let i = 0; i < 3; i++) await send(claude(SESSION_A, 'loopgate'), `refactor the request log, step ${i} of a longer task`);
  for (let i = 0; i < 2; i++) await send(claude(SESSION_B, 'loopgate'), `write tests ${i}`);
  await send({}, 'no session');
  browser = await launchChromium();
  page = await signedInPage(browser, gw);
}, 60_000);

afterAll(() => closeInOrder(browser, gw, upstream));

const table = (on: Page, name: string) => on.getByRole('region', { name }).getByRole('table');

describe('the Sessions list', () => {
  it('lists each session newest first with its project, tool, requests, tokens and cost', async () => {
    await go(page, 'Sessions');
    const rows = table(page, 'Sessions').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const texts = await rows.allInnerTexts();
    expect(texts[0]).toMatch(/c07e5f19…[\s\S]*loopgate[\s\S]*Claude Code[\s\S]*\s2\s/);
    expect(texts[1]).toMatch(/3b9d6e2a…[\s\S]*loopgate[\s\S]*Claude Code[\s\S]*\s3\s/);
    expect(texts[2]).toMatch(/01a24f98…[\s\S]*website[\s\S]*Codex CLI/);
    expect(texts.every((text) => /\$0\.0\d+/.test(text))).toBe(true);
    const totals = page.getByRole('region', { name: 'Period totals' });
    expect(await totals.innerText()).toMatch(/Sessions\s+3\s+Requests\s+6/);
    await shot(page, 'sessions-light');
  });

  it('per project, adds its sessions up', async () => {
    await page.getByRole('button', { name: 'Per project' }).click();
    const rows = table(page, 'Projects').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(/loopgate[\s\S]*Claude Code[\s\S]*\s5\s/);
    expect(await rows.nth(1).innerText()).toMatch(/website[\s\S]*Codex CLI[\s\S]*\s1\s/);
    await shot(page, 'sessions-projects-light');
  });

  it("opens a session's requests in Logs, where the session and project filters narrow the log", async () => {
    await page.getByRole('button', { name: 'Per session' }).click();
    await table(page, 'Sessions')
      .getByRole('row', { name: new RegExp(`session ${SESSION_A}`) })
      .click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    const requests = page.getByRole('region', { name: 'Requests' }).locator('tbody tr');
    await expect.poll(() => requests.count()).toBe(3);
    expect(await page.getByLabel('Session').inputValue()).toBe(SESSION_A);
    await requests.first().click();
    const details = page.getByRole('complementary', { name: 'Request details' });
    expect(await details.innerText()).toMatch(new RegExp(`Session\\s+${SESSION_A}\\s+Project\\s+loopgate`));
    await shot(page, 'logs-session-light');
    // Another filter: the project (its sessions together), with the session cleared.
    await page.getByLabel('Session').fill('');
    await page.getByLabel('Session').press('Enter');
    await page.getByLabel('Project').selectOption('loopgate');
    await expect.poll(() => requests.count()).toBe(5);
    await page.getByLabel('Project').selectOption('website');
    await expect.poll(() => requests.count()).toBe(1);
    expect(page.url()).toContain('project=website');
  });

  it('Overview sums sessions and projects up and lists the latest', async () => {
    await go(page, 'Overview');
    const card = page.getByRole('region', { name: 'Sessions and projects' });
    await expect.poll(() => card.innerText()).toMatch(/Last 7 d: 3 sessions in 2 projects/);
    expect(await card.getByRole('listitem').count()).toBe(3);
    await card.getByRole('listitem').first().getByRole('button').click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    expect(page.url()).toContain(`session=${SESSION_B}`);
  });

  it('reads in dark mode and in a 900 px window without sideways scrolling, with nothing axe finds serious', async () => {
    for (const [name, look] of OTHER_LOOKS) {
      const other = await signedInPage(browser, gw, { ...look, axe: true });
      await go(other, 'Sessions');
      await expect.poll(() => table(other, 'Sessions').locator('tbody tr').count()).toBe(3);
      expect(await sidewaysScroll(other)).toBe(0);
      // Nor does the table scroll in its own box: every column shows.
      expect(await other.locator('.table-box').evaluate((box) => box.scrollWidth - box.clientWidth)).toBe(0);
      expect(await axeViolations(other), name).toEqual([]);
      await shot(other, `sessions-${name}`);
      await go(other, 'Overview');
      await other.getByRole('region', { name: 'Sessions and projects' }).getByText('3 sessions').waitFor();
      await shot(other, `overview-sessions-${name}`);
      await other.goto(`${gw.url}/ui/#/logs?session=${SESSION_A}`);
      await expect.poll(() => other.getByRole('region', { name: 'Requests' }).locator('tbody tr').count()).toBe(3);
      expect(await sidewaysScroll(other)).toBe(0);
      expect(await axeViolations(other), name).toEqual([]);
      await shot(other, `logs-session-${name}`);
      await other.close();
    }
  });
});
