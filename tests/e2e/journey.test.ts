// The whole user journey in the real UI: Debian's Chromium, driven by Playwright, in browser
// mode against a real gateway and a mock upstream. Every view is screenshotted into
// tests/.screenshots (git-ignored) for a look.
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { addProvider, closeInOrder, DESKTOP, go as goTo, launchDesktopPage, newKeyForm, SHOTS, shot as shotOf, shownSecret } from './ui.js';

let upstream: MockUpstream;
let gw: TestGateway;
let browser: Browser;
let page: Page;
let secret = '';

const shot = (name: string): Promise<void> => shotOf(page, name);
const go = (view: string): Promise<void> => goTo(page, view);

function client(key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
}

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway('model_list: []\n');
  ({ browser, page } = await launchDesktopPage());
}, 60_000);

afterAll(() => closeInOrder(browser, gw, upstream));

describe('the Loopgate UI in Chromium', () => {
  it('opens signed in from a one-time link and greets a first run', async () => {
    await page.goto(gw.gateway.loginLink());
    await expect.poll(() => page.url()).toMatch(/\/ui\/$/);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('region', { name: 'Getting started' }).waitFor();
    await shot('1-overview-first-run');
  });

  it('adds a provider, tests it and adds a model', async () => {
    await go('Providers');
    await addProvider(page, { type: 'openai', name: 'Mock cloud', apiBase: upstream.apiBase, apiKey: 'sk-upstream-secret' });
    const provider = page.getByRole('article', { name: 'Mock cloud' });
    await provider.getByText('Connected · 1 model available').waitFor();
    await provider.getByLabel('Name for mock-model').fill('gpt-journey');
    await provider.getByRole('button', { name: 'Add model' }).click();
    await page.getByText('"gpt-journey" is ready for your tools.').waitFor();
    await expect(provider.textContent()).resolves.toContain('••••cret');
    await shot('2-providers');
    // Edit: rename it; the key stays as saved.
    await provider.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit Mock cloud' });
    await edit.getByLabel('Name').fill('Mock cloud EU');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('article', { name: 'Mock cloud EU' }).getByText('••••cret').waitFor();
    // Moved to another server, the saved key stays behind: the form asks for it (issue 21, finding 8).
    await page.getByRole('article', { name: 'Mock cloud EU' }).getByRole('button', { name: 'Edit' }).click();
    const move = page.getByRole('form', { name: 'Edit Mock cloud EU' });
    await move.getByLabel('Base URL').fill('http://127.0.0.1:9/v1');
    await move.getByRole('button', { name: 'Save' }).click();
    await move
      .getByRole('alert')
      .getByText(/enter the API key again/)
      .waitFor();
    await expect(move.getByLabel('New API key').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("type")')).toBe('password');
    await shot('2b-providers-new-server-needs-key');
    await move.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('article', { name: 'Mock cloud EU' }).textContent()).resolves.toContain(upstream.apiBase);
    await go('Models & routing');
    await page.getByRole('article', { name: 'gpt-journey' }).getByRole('listitem', { name: 'mock-model on Mock cloud EU' }).waitFor();
    await shot('3-models');
  });

  it('imports a LiteLLM config.yaml into editable models', async () => {
    await page.getByRole('button', { name: 'Import config.yaml' }).click();
    const form = page.getByRole('form', { name: 'Import a config' });
    await form.getByLabel('Or paste it').fill(`model_list:\n  - model_name: imported-model\n    litellm_params:\n      model: openai/mock-gpt\n      api_base: ${upstream.apiBase}\nrouter_settings:\n  num_retries: 1\n`);
    await form.getByRole('button', { name: 'Review the import' }).click();
    await page
      .getByRole('table', { name: 'Routing settings the import changes' })
      .getByRole('row', { name: /Retries/ })
      .waitFor();
    await page.getByRole('region', { name: 'Review the import' }).getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/Imported 1 model on 1 new provider\. 1 routing setting changed\./).waitFor();
    // Imported into the store, so editable here.
    await page.getByRole('article', { name: 'imported-model' }).getByRole('button', { name: 'Remove group imported-model' }).waitFor();
    const answer = await client(TEST_MASTER_KEY).chat.completions.create({ model: 'imported-model', messages: [{ role: 'user', content: 'imported' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello from mock: imported');
    await shot('3b-models-imported');
  });

  it('creates a key, shown once, that works with the openai client', async () => {
    const form = await newKeyForm(page, 'journey');
    // A word where a number belongs is refused next to the field, and nothing is created.
    await form.getByLabel('Requests / minute').fill('sixty');
    await form.getByRole('button', { name: 'Create key' }).click();
    await form.getByText('A whole number, or empty for no limit.').waitFor();
    expect((await gw.manage('GET', '/key/list')).body.total_count).toBe(0);
    await form.getByLabel('Requests / minute').fill('100');
    await form.getByLabel('Expires after').fill('30d');
    await form.getByRole('button', { name: 'Create key' }).click();
    secret = await shownSecret(page);
    expect(secret).toMatch(/^sk-lg-[0-9A-Za-z]{40}$/);
    await shot('4-keys-secret-once');
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.locator('[data-secret]').count()).resolves.toBe(0);

    const answer = await client(secret).chat.completions.create({ model: 'gpt-journey', messages: [{ role: 'user', content: 'hello from the journey' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello from mock: hello from the journey');
    // Claude Code's way in: the Anthropic client, a bearer token and Claude Code's User-Agent.
    const claudeCode = new Anthropic({ authToken: secret, apiKey: null, baseURL: gw.url, maxRetries: 0, defaultHeaders: { 'user-agent': 'claude-cli/1.0.83 (external, cli)' } });
    const message = await claudeCode.messages.create({ model: 'gpt-journey', max_tokens: 64, messages: [{ role: 'user', content: 'hello from claude code' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from mock: hello from claude code' });
  });

  it("keeps a key's expiry when only its name is edited", async () => {
    const expires = (await gw.manage('GET', `/key/info?key=${secret}`)).body.info.expires as string;
    expect(Date.parse(expires) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    for (const name of ['journey-renamed', 'journey']) {
      await page
        .getByRole('row', { name: /^Key journey/ })
        .getByRole('button', { name: 'Edit' })
        .click();
      const edit = page.getByRole('form', { name: 'Edit key' });
      await edit.getByLabel('Name').fill(name);
      await edit.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('row', { name: new RegExp(`^Key ${name}`) }).waitFor();
    }
    expect((await gw.manage('GET', `/key/info?key=${secret}`)).body.info.expires).toBe(expires);
  });

  it('shows the request in the live log and in the usage chart', async () => {
    await go('Logs');
    const row = page.getByRole('row', { name: /journey.*gpt-journey.*200/ }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await page.getByRole('complementary', { name: 'Request details' }).getByText('gpt-journey').waitFor();
    await shot('5-logs');
    await go('Overview');
    const chart = page.getByRole('figure', { name: 'Requests' });
    await chart.waitFor();
    await expect.poll(async () => Number(await chart.getAttribute('data-total'))).toBeGreaterThanOrEqual(1);
    await page.getByRole('region', { name: 'By key' }).getByText('journey').waitFor();
    await shot('6-overview-usage');
  });

  it('chats in the Playground, streamed through the gateway', async () => {
    await go('Playground');
    await page.getByLabel('Message').fill('stream to the playground');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Hello from mock: stream to the playground').waitFor();
    await shot('7-playground');
  });

  it('fills in the Connect snippets with the real base URL', async () => {
    await go('Connect');
    const claude = page.getByRole('tabpanel', { name: 'Claude Code' });
    await expect(claude.textContent()).resolves.toContain(`ANTHROPIC_BASE_URL=${gw.url}`);
    await page.getByRole('tab', { name: 'Codex CLI' }).click();
    await expect(page.getByRole('tabpanel', { name: 'Codex CLI' }).textContent()).resolves.toContain(`base_url = "${gw.url}/v1"`);
    await page.getByRole('tab', { name: 'Claude Code' }).click();
    await shot('8-connect');
  });

  it('never overwrites a key someone else changed first', async () => {
    await go('Keys');
    await page
      .getByRole('row', { name: /Key journey/ })
      .getByRole('button', { name: 'Edit' })
      .click();
    const edit = page.getByRole('form', { name: 'Edit key' });
    await edit.getByLabel('Name').fill('journey-renamed');
    // Meanwhile, a script changes the same key through the management API.
    const token = (await gw.manage('GET', `/key/info?key=${secret}`)).body.key as string;
    expect((await gw.manage('POST', '/key/update', { key: token, key_alias: 'changed-elsewhere' })).status).toBe(200);
    await edit.getByRole('button', { name: 'Save' }).click();
    const banner = page.getByRole('alert').filter({ hasText: 'Someone else changed' });
    await banner.waitFor();
    await shot('9-keys-conflict');
    expect((await gw.manage('GET', `/key/info?key=${token}`)).body.info.key_alias).toBe('changed-elsewhere');
    await banner.getByRole('button', { name: 'Use theirs' }).click();
    await expect(page.getByRole('form', { name: 'Edit key' }).getByLabel('Name').inputValue()).resolves.toBe('changed-elsewhere');
    await page.getByRole('form', { name: 'Edit key' }).getByRole('button', { name: 'Cancel' }).click();
  });

  it('revokes the key, and the client gets 401 on its next request', async () => {
    await page
      .getByRole('row', { name: /Key changed-elsewhere/ })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await page
      .getByRole('row', { name: /Key changed-elsewhere/ })
      .getByText('revoked')
      .waitFor();
    await shot('10-keys-revoked');
    await expect(client(secret).chat.completions.create({ model: 'gpt-journey', messages: [{ role: 'user', content: 'again' }] })).rejects.toMatchObject({ status: 401 });
  });

  it('names the tools that used a key before deleting it', async () => {
    await page
      .getByRole('row', { name: /Key changed-elsewhere/ })
      .getByRole('button', { name: 'Delete changed-elsewhere' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Delete the key “changed-elsewhere”?' });
    // Told apart by their User-Agents: the openai package's ("OpenAI/JS …") and Claude Code's ("claude-cli/…").
    await dialog.getByText('In the last 7 days this key was used by Claude Code and OpenAI SDK (JS)', { exact: false }).waitFor();
    await shot('10b-keys-delete-names-tools');
    await dialog.getByRole('button', { name: 'Delete key' }).click();
    await page.getByRole('row', { name: /Key changed-elsewhere/ }).waitFor({ state: 'detached' });
    expect((await gw.manage('GET', '/key/list')).body.total_count).toBe(0);
  });

  it('follows a dark OS theme', async () => {
    const dark = await browser.newPage({ viewport: DESKTOP, colorScheme: 'dark' });
    await dark.goto(gw.gateway.loginLink());
    await dark.getByRole('heading', { name: 'Overview' }).waitFor();
    const background = await dark.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
    expect(background).toBe('rgb(15, 17, 21)');
    await shotOf(dark, '11-overview-dark');
    await dark.close();
  });

  it('asks a browser without a session for the master key', async () => {
    const fresh = await browser.newPage({ viewport: DESKTOP });
    await fresh.goto(`${gw.url}/ui/`);
    await fresh.getByRole('heading', { name: 'Sign in to Loopgate' }).waitFor();
    await fresh.getByLabel('Master key').fill('sk-not-it');
    await fresh.getByRole('button', { name: 'Sign in' }).click();
    await fresh.getByRole('alert').getByText('That is not the master key.').waitFor();
    await fresh.screenshot({ path: join(SHOTS, '0-sign-in.png') });
    await fresh.getByLabel('Master key').fill(TEST_MASTER_KEY);
    await fresh.getByRole('button', { name: 'Sign in' }).click();
    await fresh.getByRole('heading', { name: 'Overview' }).waitFor();
    await fresh.close();
  });
});
