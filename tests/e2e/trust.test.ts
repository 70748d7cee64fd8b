// Issue 11 in the real UI: what a person meets first, in that order — the first-run checklist,
// routes, forms that refuse mistakes, the keys list, conflicts, confirmations and toasts, logs
// that explain failures (one upstream down), the Playground, Connect snippets parsed as each
// tool parses them, charts, the gateway stopped and restarted mid-session, a 900×600 window,
// keyboard and axe. Real gateway (stopped and started again on the same port and data dir),
// mock upstreams only.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Browser, Page, Request } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tempDir } from '../helpers/cli.js';
import { ServedGateway, type Served } from './served-gateway.js';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { askToDeleteProvider, axeViolations, DESKTOP, dismissToasts, go as goTo, launchDesktopPage, newKeyForm, SHOTS, shot as shotOf, sidewaysScroll, NARROW, WIDE } from './ui.js';

const VIEWS = ['Overview', 'Providers', 'Models & routing', 'Keys', 'Logs', 'Sessions', 'MCP servers', 'Playground', 'Connect'];

let upstream: MockUpstream;
let down: MockUpstream;
let browser: Browser;
let page: Page;
const dataDir = tempDir('loopgate-e2e-trust-');
let secret = '';
let keyToken = '';
const served = new ServedGateway(dataDir);
const startGateway = (): Promise<Served> => served.start();
// The default grace period, as `loopgate serve` stops: the open page must not hold it up.
const stopGateway = (): Promise<void> => served.stop();

const url = (): string => served.running!.url;
const shot = (name: string): Promise<void> => shotOf(page, `trust-${name}`);
const go = (view: string): Promise<void> => goTo(page, view);
const client = (key: string): OpenAI => new OpenAI({ apiKey: key, baseURL: `${url()}/v1`, maxRetries: 0 });

/** The app's own API, with the page's session (as the renderer calls it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the values field by field
async function api(method: string, request: unknown = {}): Promise<any> {
  // Sent as the page would: from the app's own origin.
  const response = await page.request.post(`${url()}/ui/api/${method}`, { data: request, headers: { origin: url() } });
  const body = (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.value;
}

async function manage(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> & { info?: Record<string, unknown> } }> {
  const response = await fetch(`${url()}${path}`, { method, headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function heading(target: Page = page): Promise<string> {
  return (await target.getByRole('heading', { level: 1 }).first().textContent()) ?? '';
}

beforeAll(async () => {
  upstream = await startMockOpenAI();
  // A second upstream, stopped: its provider's deployments fail to connect.
  down = await startMockOpenAI();
  await down.close();
  await startGateway();
  ({ browser, page } = await launchDesktopPage());
  // Every confirmation is the app's own dialog: a browser confirm() fails the test.
  page.on('dialog', (dialog) => {
    throw new Error(`A browser dialog appeared: ${dialog.message()}`);
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stopGateway();
  await upstream?.close();
});

describe('the app people trust (issue 11)', () => {
  it('greets a first run with a checklist, empty charts that say so, and Connect asking for a model and a key first', async () => {
    await page.goto(served.running!.gateway.loginLink());
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const guide = page.getByRole('region', { name: 'Getting started' });
    await guide.waitFor();
    await expect(guide.getByText('(done)').count()).resolves.toBe(0);
    await page.getByRole('figure', { name: 'Requests' }).getByText('No data yet').waitFor();
    await shot('01-overview-first-run');
    // Dismissed, it stays away (this machine remembers); brought back here for the rest of the run.
    await guide.getByRole('button', { name: 'Hide this guide' }).click();
    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect(guide.count()).resolves.toBe(0);
    await page.evaluate('localStorage.clear()');
    await page.reload();
    await guide.waitFor();
    await go('Connect');
    await page.getByText('Add a model first').waitFor();
    await expect(page.getByRole('button', { name: /^Copy / }).count()).resolves.toBe(0);
  });

  it('gives every view a URL: reload keeps it, Back returns, focus goes to the heading', async () => {
    await go('Keys');
    expect(page.url()).toMatch(/#\/keys$/);
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Keys');
    await page.reload();
    await expect.poll(() => heading()).toBe('Keys');
    await page.goBack();
    await expect.poll(() => heading()).toBe('Connect a tool');
    await page.goto(`${url()}/ui/#/providers`);
    await expect.poll(() => heading()).toBe('Providers');
    await page.reload();
    await expect.poll(() => heading()).toBe('Providers');
    // The skip link is the first stop for the keyboard, and lands on the view's heading.
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement?.tagName')).toBe('H1');
  });

  it('adds a model once: "Add model" turns into "Added ✓", also after a reload', async () => {
    await api('providers.create', { name: 'Mock', family: 'openai', apiBase: upstream.apiBase, apiKey: 'sk-upstream' });
    const offline = await api('providers.create', { name: 'Offline box', family: 'openai', apiBase: down.apiBase, apiKey: 'sk-down' });
    await api('models.add', { providerId: offline.id, upstreamModel: 'mock-model', modelName: 'offline' });
    await page.reload();
    const mock = page.getByRole('article', { name: 'Mock' });
    await mock.getByRole('button', { name: 'Test' }).click();
    await mock.getByLabel('Name for mock-model').fill('chat');
    await mock.getByRole('button', { name: 'Add model' }).click();
    await mock.getByRole('button', { name: /Added mock-model as chat/ }).waitFor();
    await expect(mock.getByRole('button', { name: /Added mock-model/ }).isDisabled()).resolves.toBe(true);
    await page.reload();
    await mock.getByRole('button', { name: 'Test' }).click();
    await mock.getByRole('button', { name: /Added mock-model as chat/ }).waitFor();
    const chats = ((await api('models.list')) as Array<{ modelName: string; id: string; version: number }>).filter((d) => d.modelName === 'chat');
    expect(chats).toHaveLength(1);
    // A price, so costs are small but not zero; and a slow model, to stop.
    await api('models.update', { id: chats[0]!.id, version: chats[0]!.version, settings: { inputCostPerToken: 0.0000001, outputCostPerToken: 0.0000002 } });
    const providers = (await api('providers.list')) as Array<{ id: string; name: string }>;
    await api('models.add', { providerId: providers.find((p) => p.name === 'Mock')!.id, upstreamModel: 'slow-8000', modelName: 'slow' });
    await shot('02-providers');
    // The provider removal is asked in the app's dialog, naming the model that goes with it.
    const dialog = await askToDeleteProvider(page, 'Offline box');
    await dialog.getByRole('listitem').filter({ hasText: 'offline' }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await api('providers.list')).length).toBe(2);
  });

  it('refuses mistakes in the key form next to the field, and picks allowed models from the configured ones', async () => {
    const form = await newKeyForm(page, 'trusted');
    await form.getByLabel('Requests / minute').fill('sixty');
    await form.getByLabel('Budget period').fill('monthly');
    await form.getByRole('button', { name: 'Create key' }).click();
    await form.getByText('A whole number, or empty for no limit.').waitFor();
    await form.getByText('A duration like 30d, 12h or 1mo.').waitFor();
    expect((await api('keys.list', { page: 1, size: 10 })).total).toBe(0);
    // Allowed models: a pick, a wildcard that matches nothing is warned about, a typo refused.
    await form.getByRole('checkbox', { name: 'chat' }).check();
    await form.getByLabel('Wildcard').fill('claude-*');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await form.getByText('“claude-*” matches no configured model yet.').waitFor();
    // Unticked, a wildcard goes away (it is not a configured model to keep offering).
    await form.getByRole('checkbox', { name: 'claude-*' }).click();
    await form.getByRole('checkbox', { name: 'claude-*' }).waitFor({ state: 'detached' });
    await form.getByLabel('Wildcard').fill('chta');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await form.getByText('No model is called “chta”.', { exact: false }).waitFor();
    await shot('03-keys-form-errors');
    await form.getByLabel('Requests / minute').fill('60');
    await form.getByLabel('Tokens / minute').fill('10000');
    await form.getByLabel('Parallel requests').fill('2');
    await form.getByLabel('Budget (USD)').fill('5');
    await form.getByLabel('Budget period').fill('30d');
    await form.getByLabel('Expires after').fill('90d');
    await form.getByRole('button', { name: 'Create key' }).click();
    secret = ((await page.locator('[data-secret]').textContent()) ?? '').trim();
    expect(secret).toMatch(/^sk-lg-/);
    await page.getByRole('button', { name: 'Done' }).click();
    const info = await manage('GET', `/key/info?key=${secret}`);
    keyToken = info.body['key'] as string;
    expect(info.body.info).toMatchObject({ models: ['chat'], rpm_limit: 60, tpm_limit: 10000, max_parallel_requests: 2, max_budget: 5, budget_duration: '30d' });
  });

  it('lists what was set on each key: expiry, every limit, spend against budget with a bar, last used', async () => {
    const row = page.getByRole('row', { name: /^Key trusted/ });
    await row.getByText('expires in 89 days').waitFor();
    await row.getByText('60 rpm · 10,000 tpm · 2 parallel').waitFor();
    await row.getByText('$0 of $5.00 / 30d').waitFor();
    await row.getByRole('meter', { name: 'Budget used by trusted' }).waitFor();
    await row.getByText('never').waitFor();
    // The checklist ticks two steps; the third (a tool connected) is still open.
    await go('Overview');
    const guide = page.getByRole('region', { name: 'Getting started' });
    await expect.poll(() => guide.getByText('(done)').count()).toBe(2);
    await shot('04a-overview-checklist');
    // A soft budget a single request crosses: the list says so (LiteLLM's soft_budget warns, never refuses).
    expect((await manage('POST', '/key/update', { key: keyToken, soft_budget: 0.000000001 })).status).toBe(200);
    await client(secret).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'first use' }] });
    // Pushed, not polled: the list reloads on the core's `changed: keys`, or shows it on the next visit.
    // A request came through: all three done, the checklist leaves.
    await expect.poll(() => guide.count()).toBe(0);
    await go('Keys');
    await row.getByText('just now').waitFor();
    await row.getByText('Past its soft budget of', { exact: false }).waitFor();
    await expect(row.getByText(/^\$0\.0000\d+ of \$5\.00/).count()).resolves.toBe(1);
    await shot('04-keys-list');
  });

  it('shows their value next to mine on a conflict, and applies mine on top or takes theirs', async () => {
    const row = page.getByRole('row', { name: /^Key trusted/ });
    await row.getByRole('button', { name: 'Edit' }).click();
    // The form opens right under the row it edits.
    const edit = page.locator('tr.edit-row').getByRole('form', { name: 'Edit key' });
    await edit.waitFor();
    await edit.getByLabel('Requests / minute').fill('120');
    expect((await manage('POST', '/key/update', { key: keyToken, rpm_limit: 30 })).status).toBe(200);
    await edit.getByRole('button', { name: 'Save' }).click();
    const banner = page.getByRole('alert').filter({ hasText: 'Someone else changed' });
    const diff = banner.getByRole('row', { name: /Requests \/ minute/ });
    await expect.poll(() => diff.textContent()).toMatch(/Requests \/ minute\s*30\s*120/);
    await shot('05-keys-conflict');
    await banner.getByRole('button', { name: 'Apply mine on top' }).click();
    await banner.waitFor({ state: 'detached' });
    expect((await manage('GET', `/key/info?key=${keyToken}`)).body.info).toMatchObject({ rpm_limit: 120 });
    // Again, and this time theirs wins.
    await row.getByRole('button', { name: 'Edit' }).click();
    await edit.getByLabel('Requests / minute').fill('90');
    await manage('POST', '/key/update', { key: keyToken, rpm_limit: 45 });
    await edit.getByRole('button', { name: 'Save' }).click();
    await banner.getByRole('button', { name: 'Use theirs' }).click();
    await expect.poll(() => edit.getByLabel('Requests / minute').inputValue()).toBe('45');
    await edit.getByRole('button', { name: 'Cancel' }).click();
  });

  it('fetches a list once per save: on the pushed `changed` event, never again after the save', async () => {
    const fetched: string[] = [];
    const count = (request: Request): void => void fetched.push(new URL(request.url()).pathname.replace('/ui/api/', ''));
    page.on('request', count);
    try {
      const row = page.getByRole('row', { name: /^Key trusted/ });
      await row.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('form', { name: 'Edit key' });
      await edit.getByLabel('Requests / minute').fill('75');
      fetched.length = 0;
      await edit.getByRole('button', { name: 'Save' }).click();
      // Shown promptly: the event comes right after the write.
      await row.getByText('75 rpm', { exact: false }).waitFor({ timeout: 3_000 });
      // A reload of the saver's own would have been asked for by now.
      await page.waitForTimeout(1_000);
      expect(fetched.filter((method) => method === 'keys.list')).toEqual(['keys.list']);

      await go('Providers');
      const offline = page.getByRole('article', { name: 'Offline box' });
      await offline.getByRole('button', { name: 'Edit' }).click();
      await offline.getByLabel('New API key').fill('sk-down-again');
      fetched.length = 0;
      await offline.getByRole('button', { name: 'Save' }).click();
      await offline.getByText('key ••••gain').waitFor({ timeout: 3_000 });
      await page.waitForTimeout(1_000);
      expect(fetched.filter((method) => method === 'providers.list')).toEqual(['providers.list']);
    } finally {
      page.off('request', count);
    }
  });

  it('names the keys that name its models before deleting a provider', async () => {
    await go('Providers');
    const dialog = await askToDeleteProvider(page, 'Mock');
    await dialog.getByRole('listitem').filter({ hasText: 'model chat' }).waitFor();
    await dialog.getByRole('listitem').filter({ hasText: 'key trusted' }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await api('providers.list')).length).toBe(2);
    await go('Keys');
  });

  it('asks in one focus-trapped dialog before deleting a key, naming what breaks, and gives focus back', async () => {
    await api('keys.create', { keyAlias: 'throwaway', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, maxBudget: null, budgetDuration: null, duration: null });
    await page.reload();
    const remove = page.getByRole('button', { name: 'Delete throwaway' });
    await dismissToasts(page);
    await remove.click();
    const dialog = page.getByRole('dialog', { name: 'Delete the key “throwaway”?' });
    await dialog.getByText('No tool used this key in the last 7 days', { exact: false }).waitFor();
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    // Tab goes round inside the dialog, never to the page behind it.
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate('!!document.activeElement?.closest("dialog[open]") || document.activeElement === document.body')).toBe(true);
    }
    await shot('06-keys-delete-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('Delete throwaway');
    await remove.click();
    await dialog.getByRole('button', { name: 'Delete key' }).click();
    await page.getByRole('row', { name: /^Key throwaway/ }).waitFor({ state: 'detached' });
    // Toasts sit in the bottom-right corner, at most three of them.
    const toasts = page.locator('.toast');
    await expect.poll(() => toasts.count()).toBeGreaterThan(0);
    const box = (await toasts.last().boundingBox())!;
    expect(box.x + box.width).toBeGreaterThan(DESKTOP.width - 40);
    expect(box.y + box.height).toBeGreaterThan(DESKTOP.height - 40);
  });

  it('stacks toasts in a corner, where they never cover the view, and lets them expire', async () => {
    const toasts = page.locator('.toast');
    const main = page.locator('main');
    const row = page.getByRole('row', { name: /^Key trusted/ });
    for (const size of [NARROW, DESKTOP]) {
      await page.setViewportSize(size);
      await dismissToasts(page);
      // Three different messages: revoked, restored, saved. The pointer rests on the first, so none leaves meanwhile
      // (the rest is done from the keyboard, which leaves the pointer where it is).
      // At 900 px a key's actions are folded into its menu, which closes after each pick.
      const unfold = async (): Promise<void> => {
        if (size === NARROW) await page.getByLabel('Actions for trusted').click();
      };
      await unfold();
      await row.getByRole('button', { name: 'Revoke' }).click();
      await toasts.first().hover();
      await unfold();
      await row.getByRole('button', { name: 'Restore' }).press('Enter');
      // Edited once the list shows the restored key (an edit of the version before would be a conflict).
      await unfold();
      await row.getByRole('button', { name: 'Revoke' }).waitFor();
      await row.getByRole('button', { name: 'Edit' }).press('Enter');
      await page.getByRole('form', { name: 'Edit key' }).getByRole('button', { name: 'Save' }).press('Enter');
      await expect.poll(() => toasts.allInnerTexts()).toHaveLength(3);
      const boxes = await Promise.all((await toasts.all()).map(async (toast) => (await toast.boundingBox())!));
      // A stack in the bottom-right corner, the newest last.
      for (const [i, box] of boxes.entries()) {
        expect(box.x + box.width).toBeGreaterThan(size.width - 40);
        if (i > 0) expect(box.y).toBeGreaterThan(boxes[i - 1]!.y + boxes[i - 1]!.height - 1);
      }
      expect(boxes.at(-1)!.y + boxes.at(-1)!.height).toBeGreaterThan(size.height - 40);
      // Wherever the view is scrolled, nothing of it lies under a toast: the view's box ends above them.
      const view = (await main.boundingBox())!;
      for (const box of boxes) expect(view.y + view.height, `${size.width}×${size.height}`).toBeLessThanOrEqual(box.y);
      for (const at of [0, 0.5, 1]) {
        await main.evaluate((element, share) => (element.scrollTop = share * (element.scrollHeight - element.clientHeight)), at);
        for (const box of boxes) {
          const points = [
            [box.x + 3, box.y + 3],
            [box.x + box.width / 2, box.y + box.height / 2],
            [box.x + box.width - 3, box.y + box.height - 3],
          ];
          for (const [x, y] of points) {
            const under = await page.evaluate<number>(`document.elementsFromPoint(${x}, ${y}).filter((element) => element.closest('main')).length`);
            expect(under, `view content under a toast at ${size.width}×${size.height}, scrolled ${at}`).toBe(0);
          }
        }
      }
      // The view's last control, scrolled to the bottom, takes a click with the toasts showing (at 900 px, the last row's menu).
      const last = size === NARROW ? page.getByLabel(/^Actions for /).last() : page.getByRole('button', { name: /^Delete / }).last();
      await last.click({ trial: true, timeout: 2_000 });
      await page.screenshot({ path: join(SHOTS, `trust-06b-toasts-${size.width}x${size.height}.png`) });
    }
    // Held while the pointer is on them; away from them, they leave on their own.
    await expect(toasts.count()).resolves.toBe(3);
    await page.mouse.move(1, 1);
    await expect.poll(() => toasts.count(), { timeout: 15_000 }).toBe(0);
  });

  it('explains failures in the log: error, attempts, filters from the server, dates, pages, costs, CSV', async () => {
    // The master key: the key made above allows only a few requests a minute by now.
    const key = client(TEST_MASTER_KEY);
    for (let i = 0; i < 104; i++) await key.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: `n${i}` }] });
    await expect(client(TEST_MASTER_KEY).chat.completions.create({ model: 'offline', messages: [{ role: 'user', content: 'anyone?' }] })).rejects.toMatchObject({ status: expect.any(Number) });
    await go('Logs');
    const rows = page.getByRole('region', { name: 'Requests' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(100);
    await page.getByRole('button', { name: 'Show 100 more' }).click();
    await expect.poll(() => rows.count()).toBe(106);
    await page.getByText('that is all').waitFor();
    // A new request appears without a reload (the core's `log` event).
    await key.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'live one' }] });
    await expect.poll(() => rows.count()).toBe(107);
    // The time column carries the date, the cost column a precise non-zero cost.
    const month = new Date().toLocaleDateString(undefined, { month: 'short' });
    await expect(rows.first().locator('td').first().textContent()).resolves.toContain(month);
    await expect(rows.first().locator('td').last().textContent()).resolves.toMatch(/^\$0\.0000\d+$/);
    // Filters offer every model and key in the log, from the server; the URL keeps them.
    const model = page.getByRole('combobox', { name: /^Model/ });
    await expect.poll(async () => (await model.locator('option').allTextContents()).sort()).toEqual(['all models', 'chat', 'offline']);
    await model.selectOption('offline');
    expect(page.url()).toMatch(/#\/logs\?model=offline$/);
    await page.reload();
    await expect.poll(() => rows.count()).toBe(1);
    await expect(page.getByRole('combobox', { name: /^Model/ }).inputValue()).resolves.toBe('offline');
    await rows.first().click();
    const details = page.getByRole('complementary', { name: 'Request details' });
    await details.getByRole('alert').waitFor();
    await expect(details.getByRole('alert').textContent()).resolves.toMatch(/upstream|timeout/);
    const attempts = details.getByRole('list', { name: 'Attempts' });
    await attempts.getByText('mock-model', { exact: false }).first().waitFor();
    await shot('07-logs-failure');
    // The export holds the filtered rows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8')
      .trim()
      .split(/\r\n/);
    expect(csv[0]).toMatch(/^time,key,model,deployment,status,error_code/);
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(',offline,');
    await page.getByRole('combobox', { name: /^Model/ }).selectOption('');
    // Back leaves the Logs view for the one before, filters or not.
    await page.goBack();
    await expect.poll(() => heading()).not.toBe('Logs');
  });

  it('labels each Playground answer, keeps the conversation across views, stops a stream, and explains an error', async () => {
    await go('Playground');
    await page.getByRole('combobox', { name: /^Model/ }).selectOption('chat');
    await page.getByLabel('Message').fill('who are you');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.getByRole('article', { name: 'Answer from chat' });
    await answer.getByText('Hello from mock: who are you').waitFor();
    await answer.getByText(/\d+ in · \d+ out tokens/).waitFor();
    await answer.getByText(/^(\d+ ms|\d+\.\d s)$/).waitFor();
    await answer.getByText('via ', { exact: false }).waitFor();
    await go('Keys');
    await go('Playground');
    await answer.getByText('Hello from mock: who are you').waitFor();
    // Stop a slow answer.
    await page.getByRole('combobox', { name: /^Model/ }).selectOption('slow');
    await page.getByLabel('Message').fill('take your time');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('article', { name: 'Answer from slow' }).getByText('stopped', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    // An upstream that is down: status, model, deployment and what to do.
    await page.getByRole('combobox', { name: /^Model/ }).selectOption('offline');
    await page.getByLabel('Message').fill('hello?');
    await page.getByRole('button', { name: 'Send' }).click();
    const failure = page.getByRole('alert').filter({ hasText: 'from offline' });
    await failure.waitFor();
    await failure.getByText('mock-model', { exact: false }).first().waitFor();
    await failure.getByText(/check the provider|Check that/).waitFor();
    expect(await failure.textContent()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    await shot('08-playground');
  });

  it('fills Connect snippets that parse as each tool reads them, with one key made and reused', async () => {
    await go('Connect');
    const keysBefore = (await api('keys.list', { page: 1, size: 50 })).total as number;
    await page.getByRole('combobox', { name: /^Model/ }).selectOption('chat');
    await page.getByRole('button', { name: 'Create a key to fill in' }).click();
    await page.getByText('filled in below', { exact: false }).first().waitFor();
    await go('Keys');
    await go('Connect');
    await page.getByText('(“connected-tools”, filled in below)').waitFor();
    await expect(page.getByRole('button', { name: 'Create a key to fill in' }).count()).resolves.toBe(0);
    expect((await api('keys.list', { page: 1, size: 50 })).total).toBe(keysBefore + 1);
    // One tool at a time: its tab opened, its setup is the one panel shown.
    const panel = async (tool: string): Promise<ReturnType<Page['getByRole']>> => (await page.getByRole('tab', { name: tool }).click(), page.getByRole('tabpanel', { name: tool }));
    const code = async (tool: string, index = 0): Promise<string> => (await (await panel(tool)).locator('pre').nth(index).textContent()) ?? '';
    const made = /sk-lg-[0-9A-Za-z]+/.exec(await code('Claude Code'))![0];
    const v1 = `${url()}/v1`;

    // Continue: YAML with name, version and schema v1.
    const continueConfig = parseYaml(await code('Continue')) as { name: string; version: string; schema: string; models: Array<Record<string, string>> };
    expect(continueConfig).toMatchObject({ name: 'Loopgate', schema: 'v1' });
    expect(continueConfig.version).toBeTruthy();
    expect(continueConfig.models[0]).toMatchObject({ provider: 'openai', model: 'chat', apiBase: v1, apiKey: made });
    // opencode: JSON.
    const opencode = JSON.parse(await code('opencode')) as { model: string; provider: { loopgate: { options: { baseURL: string; apiKey: string }; models: Record<string, unknown> } } };
    expect(opencode.model).toBe('loopgate/chat');
    expect(opencode.provider.loopgate.options).toEqual({ baseURL: v1, apiKey: made });
    expect(Object.keys(opencode.provider.loopgate.models)).toEqual(['chat']);
    // Codex: TOML (strictly: tables, and key = "basic string" lines), the key as a shell line.
    const toml: Record<string, Record<string, string>> = { '': {} };
    let table = '';
    for (const line of (await code('Codex CLI')).split('\n')) {
      if (line.trim() === '') continue;
      const header = /^\[([A-Za-z0-9_.-]+)\]$/.exec(line);
      if (header) toml[(table = header[1]!)] = {};
      else {
        const pair = /^([A-Za-z0-9_-]+) = ("(?:[^"\\]|\\.)*")$/.exec(line);
        expect(pair, `not TOML: ${line}`).not.toBeNull();
        toml[table]![pair![1]!] = JSON.parse(pair![2]!) as string;
      }
    }
    expect(toml['']).toEqual({ model: 'chat', model_provider: 'loopgate' });
    expect(toml['model_providers.loopgate']).toMatchObject({ base_url: v1, env_key: 'LOOPGATE_API_KEY', wire_api: 'responses' });
    expect(await code('Codex CLI', 1)).toBe(`export LOOPGATE_API_KEY=${made}`);
    // Shell snippets: bash reads them, and the exports set what the tool reads.
    const shells: Record<string, Record<string, string>> = {
      'Claude Code': { ANTHROPIC_BASE_URL: url(), ANTHROPIC_AUTH_TOKEN: made },
      Aider: { OPENAI_API_BASE: v1, OPENAI_API_KEY: made },
      'Qwen Code': { OPENAI_BASE_URL: v1, OPENAI_API_KEY: made, OPENAI_MODEL: 'chat' },
      'Codex CLI': { LOOPGATE_API_KEY: made },
      'Gemini CLI': { GOOGLE_GEMINI_BASE_URL: url(), GEMINI_API_KEY: made },
    };
    expect(JSON.parse(await code('Gemini CLI'))).toMatchObject({ security: { auth: { selectedType: 'gemini-api-key' } } });
    for (const [tool, expected] of Object.entries(shells)) {
      const script = await code(tool, tool === 'Codex CLI' || tool === 'Gemini CLI' ? 1 : 0);
      expect(spawnSync('bash', ['-n'], { input: script }).status, `${tool}: bash -n`).toBe(0);
      const exports = script
        .split('\n')
        .filter((line) => line.startsWith('export '))
        .join('\n');
      const env = spawnSync('bash', ['-c', `${exports}\nenv`], { encoding: 'utf8', env: {} }).stdout;
      for (const [name, value] of Object.entries(expected)) expect(env, `${tool}: ${name}`).toContain(`${name}=${value}\n`);
    }
    // Open WebUI in Docker: host.docker.internal, the listening address explained.
    const webui = await code('Open WebUI');
    expect(spawnSync('bash', ['-n'], { input: webui }).status).toBe(0);
    expect(webui).toContain(`OPENAI_API_BASE_URL=http://host.docker.internal:${served.port}/v1`);
    expect(webui).toContain('--add-host=host.docker.internal:host-gateway');
    await (await panel('Open WebUI')).getByText('listens on 127.0.0.1', { exact: false }).waitFor();
    await (await panel('Cline')).getByText('LiteLLM', { exact: false }).first().waitFor();
    // The key that was filled in works.
    const reply = await client(made).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'pasted' }] });
    expect(reply.choices[0]?.message.content).toBe('Hello from mock: pasted');
    await shot('09-connect');
  });

  it('draws charts with units and gridlines, 24 h / 7 d / 30 d, each day reachable by keyboard', async () => {
    await go('Overview');
    const chart = page.getByRole('figure', { name: 'Requests' });
    await expect.poll(async () => Number(await chart.getAttribute('data-total'))).toBeGreaterThan(100);
    // Live: pushed over the event stream, so there is nothing to refresh by hand.
    await expect(page.getByRole('button', { name: 'Refresh' }).count()).resolves.toBe(0);
    const stat = (label: string): Promise<string> => page.getByRole('region', { name: 'Today' }).locator('.stat').filter({ hasText: label }).locator('.value').innerText();
    const setUp = (): Promise<string> => page.getByRole('region', { name: 'Today' }).locator('.stat').filter({ hasText: 'Set up' }).innerText();
    const [requests, total, counts] = [await stat('Requests today'), Number(await chart.getAttribute('data-total')), await setUp()];
    await client(TEST_MASTER_KEY).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'watching the overview' }] });
    await expect.poll(() => stat('Requests today')).not.toBe(requests);
    await expect.poll(async () => Number(await chart.getAttribute('data-total'))).toBe(total + 1);
    const made = await api('keys.create', { keyAlias: 'overview-live', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, maxBudget: null, budgetDuration: null, duration: null });
    await expect.poll(() => setUp()).not.toBe(counts);
    await api('keys.delete', { id: made.key.id });
    await expect.poll(() => setUp()).toBe(counts);
    await chart.getByText('requests per day').waitFor();
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '30 d' }).click();
    expect(page.url()).toMatch(/range=30d/);
    await expect.poll(() => chart.getByRole('button').count()).toBe(30);
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '24 h' }).click();
    await expect.poll(() => chart.getByRole('button').count()).toBe(1);
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '7 d' }).click();
    await expect.poll(() => chart.getByRole('button').count()).toBe(7);
    await chart.getByRole('button').first().focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")')).toMatch(/: 1\d\d requests per day$/);
    await chart.getByText(/: 1\d\d requests per day$/).waitFor();
    await shot('10-overview-chart');
  });

  it('says so when the gateway stops, keeps the last data greyed, and signs in again after a restart on the same view', async () => {
    await go('Keys');
    const row = page.getByRole('row', { name: /^Key trusted/ });
    await row.waitFor();
    await stopGateway();
    await page.getByRole('alert').filter({ hasText: "Loopgate isn't responding — retrying…" }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByText('Not responding').waitFor();
    // Last data kept, greyed; never an empty state.
    await row.waitFor();
    await expect(page.getByText('No keys yet').count()).resolves.toBe(0);
    await expect(page.locator('.view.stale').count()).resolves.toBe(1);
    await shot('11-gateway-down');
    await startGateway();
    // The new process holds no session: the sign-in page, then back to Keys.
    await page.getByRole('heading', { name: 'Sign in to Loopgate' }).waitFor({ timeout: 15_000 });
    await expect(page.locator('.toast.error').count()).resolves.toBe(0);
    await page.getByLabel('Master key').fill(TEST_MASTER_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => heading()).toBe('Keys');
    await page.getByRole('navigation', { name: 'Main' }).getByText('Running').waitFor();
    await row.waitFor();
    expect(page.url()).toMatch(/#\/keys$/);
  });

  it('signs out in browser mode', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Loopgate' }).waitFor();
    expect((await page.request.post(`${url()}/ui/api/status.get`, { data: {}, headers: { origin: url() } })).status()).toBe(401);
    await page.getByLabel('Master key').fill(TEST_MASTER_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => heading()).toBe('Keys');
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`passes axe on every view, ${colorScheme}, and is pictured at two sizes without sideways scrolling`, async () => {
      for (const size of [WIDE, NARROW]) {
        // axe-core goes in as a script tag, which the app's Content-Security-Policy would refuse.
        const view = await browser.newPage({ viewport: size, colorScheme, bypassCSP: true });
        view.setDefaultTimeout(10_000);
        await view.goto(served.running!.gateway.loginLink());
        await view.getByRole('heading', { name: 'Overview' }).waitFor();
        for (const [i, name] of VIEWS.entries()) {
          await goTo(view, name);
          // The event stream keeps the network busy for good: wait for the view's data instead.
          await view.waitForTimeout(400);
          expect(await sidewaysScroll(view), `${name} scrolls sideways at ${size.width}×${size.height}`).toBeLessThanOrEqual(0);
          expect(await axeViolations(view), `${name}, ${colorScheme}, ${size.width}×${size.height}`).toEqual([]);
          const picture = `views-${colorScheme}-${size.width}x${size.height}-${i + 1}-${name.replace(/\W+/g, '-').toLowerCase()}`;
          await shotOf(view, picture, false);
          // The views' dialogs, open: the key deletion (the app's one confirmation) and a group's removal.
          // At 900 px a key's actions are folded into its menu.
          if (name === 'Keys' && size === NARROW) await view.getByLabel('Actions for trusted').click();
          const opener = name === 'Keys' ? view.getByRole('button', { name: 'Delete trusted' }) : name === 'Models & routing' ? view.getByRole('button', { name: 'Remove group chat' }) : null;
          if (opener) {
            await dismissToasts(view);
            await opener.click();
            const dialog = view.getByRole('dialog');
            await dialog
              .getByText(name === 'Keys' ? /this key was used by/ : /names? it/)
              .first()
              .waitFor();
            expect(await axeViolations(view), `${name} with its dialog open, ${colorScheme}, ${size.width}×${size.height}`).toEqual([]);
            await shotOf(view, `${picture}-dialog`, false);
            await dialog.getByRole('button', { name: 'Cancel' }).click();
            await dialog.waitFor({ state: 'hidden' });
          }
        }
        if (size === NARROW) {
          // The sidebar keeps only its icons.
          const nav = (await view.getByRole('navigation', { name: 'Main' }).boundingBox())!;
          expect(nav.width).toBeLessThan(80);
        }
        await view.close();
      }
    }, 120_000);
  }
});
