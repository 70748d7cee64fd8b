// Issue 10's "done when", in the real UI: Chromium against a real gateway and a mock upstream.
// Routing is edited in the Models & routing view (weights, priority, on/off, strategy, a
// fallback, the cooldown) and each edit is seen on live traffic, as the mock records which
// upstream model served each request; two pages editing the same settings get the conflict
// flow. The view is screenshotted light, dark and narrow into tests/.screenshots.
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { addProvider, closeInOrder, dismissToasts, go, launchSignedIn, shot, signedInPage, startFileGateway } from './ui.js';

let upstream: MockUpstream;
let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;
let page: Page;
let openai: OpenAI;

/** Sends `count` chat requests for `model`; answers which upstream model served each. */
async function served(model: string, count = 8): Promise<string[]> {
  const from = upstream.requests.length;
  for (let i = 0; i < count; i++) {
    await openai.chat.completions.create({ model, messages: [{ role: 'user', content: `request ${i}` }] });
  }
  return upstream.requests
    .slice(from)
    .filter((request) => request.path === '/v1/chat/completions')
    .map((request) => String(request.body?.model));
}

/** The status and retry-after of one chat request, straight over HTTP. */
async function attempt(model: string): Promise<{ status: number; retryAfter: number | null }> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  const retryAfter = response.headers.get('retry-after');
  return { status: response.status, retryAfter: retryAfter === null ? null : Number(retryAfter) };
}

const group = (name: string, on: Page = page) => on.getByRole('article', { name, exact: true });
const routingForm = (on: Page = page) => on.getByRole('form', { name: 'Routing settings' });

/** Saves the routing form and waits for the gateway's answer (an earlier save's toast may still show). */
async function saveRouting(on: Page = page): Promise<void> {
  const saved = on.waitForResponse((response) => response.url().endsWith('/ui/api/routing.update'));
  await routingForm(on).getByRole('button', { name: 'Save routing settings' }).click();
  expect((await saved).ok()).toBe(true);
  await routingForm(on).getByText('Unsaved changes').waitFor({ state: 'detached' });
}

async function addDeployment(groupName: string, upstreamModel: string): Promise<void> {
  await group(groupName)
    .getByRole('button', { name: `Add deployment to ${groupName}` })
    .click();
  const form = page.getByRole('form', { name: `Add a deployment to ${groupName}` });
  await form.getByLabel('Provider model').fill(upstreamModel);
  await form.getByRole('button', { name: 'Add deployment' }).click();
  await form.waitFor({ state: 'detached' });
}

async function addGroup(name: string, upstreamModel: string): Promise<void> {
  await page.getByRole('button', { name: 'New model group' }).click();
  const form = page.getByRole('form', { name: 'Add a model group' });
  await form.getByLabel('Group name').fill(name);
  await form.getByLabel('Provider model').fill(upstreamModel);
  await form.getByRole('button', { name: 'Add group' }).click();
  await group(name).waitFor();
}

/** Types a weight and presses Enter; waits until it is saved and (shuffling by weight) the share it gives is shown. */
async function setWeight(deployment: string, weight: string, share: string | null, on: Page = page): Promise<void> {
  const input = on.getByLabel(`Weight of ${deployment}`);
  await input.fill(weight);
  await Promise.all([on.waitForResponse((response) => response.url().endsWith('/ui/api/models.update')), input.press('Enter')]);
  if (share) await on.getByRole('listitem', { name: deployment }).getByText(share, { exact: true }).waitFor();
}

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startFileGateway(`model_list:
  - model_name: file-model
    litellm_params:
      model: openai/file-upstream
      api_base: ${upstream.apiBase}
      api_key: sk-upstream-secret
router_settings:
  num_retries: 1
  retry_after: 0
`);
  openai = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  ({ browser, page } = await launchSignedIn(gw));
}, 60_000);

afterAll(() => closeInOrder(browser, gw, upstream));

describe('Models & routing in Chromium, on live traffic', () => {
  it("shows the config file's group and settings read-only, and copies them to edit", async () => {
    await go(page, 'Models & routing');
    const fileGroup = group('file-model (config file)');
    await fileGroup.getByText('from config file').waitFor();
    await expect(fileGroup.getByRole('button', { name: /^Edit / }).count()).resolves.toBe(0);
    const form = routingForm();
    await form.getByText('These settings come from the config file').waitFor();
    await expect(form.getByLabel('Strategy').isDisabled()).resolves.toBe(true);
    await expect(form.getByLabel('Retries').inputValue()).resolves.toBe('1');

    await form.getByRole('button', { name: 'Make an editable copy' }).click();
    await form.getByText('set in the app').waitFor();
    await expect(form.getByLabel('Strategy').isEnabled()).resolves.toBe(true);
    await expect(form.getByLabel('Retries').inputValue()).resolves.toBe('1');

    await fileGroup.getByRole('button', { name: 'Make an editable copy of file-model' }).click();
    // One group now: the app's copy serves, the file's deployment is listed, unused.
    const copied = group('file-model');
    await copied.getByRole('button', { name: 'Remove group file-model' }).waitFor();
    await copied.getByText("the app's, in force over the config file's").waitFor();
    await expect(copied.getByRole('button', { name: /^Edit / }).count()).resolves.toBe(1);
    await copied.getByText('not used').waitFor();
    expect(await served('file-model', 2)).toEqual(['file-upstream', 'file-upstream']);
  });

  it('adds a provider, then a group with two deployments', async () => {
    await go(page, 'Providers');
    await addProvider(page, { type: 'openai', name: 'Mock', apiBase: upstream.apiBase, apiKey: 'sk-upstream-secret' });
    await page.getByRole('article', { name: 'Mock' }).getByText('Connected').waitFor();

    await go(page, 'Models & routing');
    await addGroup('chat', 'alpha');
    await addDeployment('chat', 'beta');
    await group('chat').getByRole('listitem', { name: 'beta on Mock' }).waitFor();
    const answers = await served('chat', 12);
    expect(new Set(answers)).toEqual(new Set(['alpha', 'beta']));
  });

  it('a weight of 0 sends every request to the other deployment', async () => {
    // Unset weights count as 1 once any is set: beta 0 leaves alpha all of it.
    await setWeight('beta on Mock', '0', '0%');
    await group('chat').getByRole('listitem', { name: 'alpha on Mock' }).getByText('100%', { exact: true }).waitFor();
    expect(await served('chat')).toEqual(Array(8).fill('alpha'));
    await setWeight('beta on Mock', '1', '50%');
    await setWeight('alpha on Mock', '0', '0%');
    expect(await served('chat')).toEqual(Array(8).fill('beta'));
    // A word is refused next to the field, and nothing is saved.
    await page.getByLabel('Weight of beta on Mock').fill('lots');
    await page.getByLabel('Weight of beta on Mock').press('Enter');
    await group('chat').getByText('A number like 1 or 0.5, or empty for the default.').waitFor();
    expect(await served('chat', 2)).toEqual(['beta', 'beta']);
    await setWeight('alpha on Mock', '1', '50%');
    await setWeight('beta on Mock', '0', '0%');
  });

  it('the strategy decides: the cheapest deployment wins over weights', async () => {
    for (const [deployment, price] of [
      ['alpha on Mock', '10'],
      ['beta on Mock', '0.1'],
    ] as const) {
      await page.getByRole('button', { name: `Edit ${deployment}` }).click();
      const edit = page.getByRole('form', { name: `Edit ${deployment}` });
      await edit.getByLabel('Input $ / 1M tokens').fill(price);
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'detached' });
    }
    // Shuffling by weight, prices do not matter: alpha has all the weight.
    expect(await served('chat')).toEqual(Array(8).fill('alpha'));
    await routingForm().getByLabel('Strategy').selectOption('cost-based-routing');
    await saveRouting();
    await group('chat').getByText('Shared: cheapest').waitFor();
    expect(await served('chat')).toEqual(Array(8).fill('beta'));
  });

  it('priority and on/off: the first in order serves, a disabled one never does', async () => {
    const first = () => group('chat').getByRole('listitem').first().getAttribute('aria-label');
    // Moving alpha down orders the group beta 1, alpha 2; moving it up again, alpha 1, beta 2.
    await page.getByRole('button', { name: 'Move alpha on Mock down' }).click();
    await group('chat').getByText('In priority order').waitFor();
    await expect.poll(first).toBe('beta on Mock');
    await page.getByRole('button', { name: 'Move alpha on Mock up' }).click();
    await expect.poll(first).toBe('alpha on Mock');
    // First in order wins over the cheaper beta.
    expect(await served('chat')).toEqual(Array(8).fill('alpha'));
    await page.getByRole('switch', { name: 'Use alpha on Mock' }).click();
    await group('chat').getByRole('listitem', { name: 'alpha on Mock' }).getByText('disabled').waitFor();
    expect(await served('chat')).toEqual(Array(8).fill('beta'));
    await page.getByRole('switch', { name: 'Use alpha on Mock' }).click();
    await group('chat').getByRole('button', { name: 'Share the load instead' }).click();
    await group('chat').getByText('Shared: cheapest').waitFor();
    expect(await served('chat')).toEqual(Array(8).fill('beta'));
  });

  it('a fallback catches a failing group', async () => {
    await addGroup('broken', 'fail-500');
    // One deployment: never cooled down, so the client sees the upstream's own error, every time.
    for (let i = 0; i < 3; i++) expect((await attempt('broken')).status).toBe(500);
    // The view shows what went wrong, and when.
    await group('broken').getByText('500 · The server had an error while processing your request.').waitFor();
    const form = routingForm();
    await form.getByRole('button', { name: 'Add a rule: when a group fails' }).click();
    await form.getByLabel('When a group fails: which group').selectOption('broken');
    await form.getByLabel('Add to fallbacks for broken').selectOption('chat');
    await saveRouting();
    await group('broken').getByText('If it fails, then chat').waitFor();
    const from = upstream.requests.length;
    const answer = await openai.chat.completions.create({ model: 'broken', messages: [{ role: 'user', content: 'fall back' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello from mock: fall back');
    // broken (never cooled: it is alone in its group) was tried first, then chat answered.
    const upstreamModels = upstream.requests.slice(from).map((request) => String(request.body?.model));
    expect(upstreamModels[0]).toBe('fail-500');
    expect(upstreamModels.at(-1)).toBe('beta');
    expect(new Set(upstreamModels.slice(0, -1))).toEqual(new Set(['fail-500']));
  });

  it("a cooldown change shows in the 429's retry-after", async () => {
    for (const name of ['flaky-a', 'flaky-b']) {
      await addGroup(name, 'fail-500');
      await addDeployment(name, 'fail-500');
    }
    const form = routingForm();
    await form.getByLabel('Allowed fails').fill('0');
    await form.getByLabel('Cooldown (s)').fill('twenty');
    await form.getByText('Seconds, like 5.').waitFor();
    // Saved cooldowns of 20s, then 90s: each shows in the retry-after of a group that trips after it.
    for (const [name, seconds] of [
      ['flaky-a', 20],
      ['flaky-b', 90],
    ] as const) {
      await form.getByLabel('Cooldown (s)').fill(String(seconds));
      await saveRouting();
      await attempt(name);
      const cooling = await attempt(name);
      expect(cooling.status).toBe(429);
      expect(cooling.retryAfter).toBeGreaterThan(seconds - 6);
      expect(cooling.retryAfter).toBeLessThanOrEqual(seconds);
      // The view shows it live: both deployments cooling down.
      await expect.poll(() => group(name).getByText('cooling down').count(), { timeout: 10_000 }).toBe(2);
    }
    // The second edit kept flaky-a's cooldown: still 429, on its old clock.
    const still = await attempt('flaky-a');
    expect(still.status).toBe(429);
    expect(still.retryAfter).toBeLessThanOrEqual(20);
    await shot(page, 'routing-1-models');
  });

  it('two pages editing the same settings: the later save gets the conflict flow', async () => {
    const other = await signedInPage(browser, gw);
    await go(other, 'Models & routing');
    await routingForm(other).getByLabel('Retries').waitFor();
    // This page saves first ...
    await routingForm().getByLabel('Retries').fill('3');
    await saveRouting();
    // ... the other, still on the version it read, tries to go back to shuffling by weight.
    await routingForm(other).getByLabel('Strategy').selectOption('simple-shuffle');
    await routingForm(other).getByRole('button', { name: 'Save routing settings' }).click();
    const banner = other.getByRole('alert').filter({ hasText: 'Someone else changed the routing settings first' });
    await banner.waitFor();
    await shot(other, 'routing-4-conflict');
    // Nothing was overwritten: the cheapest still serves every request.
    expect(await served('chat')).toEqual(Array(8).fill('beta'));
    await banner.getByRole('button', { name: 'Reload it' }).click();
    await expect(routingForm(other).getByLabel('Retries').inputValue()).resolves.toBe('3');
    await expect(routingForm(other).getByLabel('Strategy').inputValue()).resolves.toBe('cost-based-routing');

    // The same for one deployment: this page opens beta's form, the other changes its weight.
    await page.getByRole('button', { name: 'Edit beta on Mock' }).click();
    const edit = page.getByRole('form', { name: 'Edit beta on Mock' });
    await other.reload();
    await go(other, 'Models & routing');
    await setWeight('beta on Mock', '2', null, other);
    await other.close();
    await edit.getByLabel('Weight').fill('5');
    await edit.getByRole('button', { name: 'Save' }).click();
    const stale = group('chat').getByRole('alert').filter({ hasText: 'Someone else changed “beta on Mock” first' });
    await stale.waitFor();
    await stale.getByRole('button', { name: 'Reload it' }).click();
    await expect(page.getByRole('form', { name: 'Edit beta on Mock' }).getByLabel('Weight').inputValue()).resolves.toBe('2');
    await page.getByRole('form', { name: 'Edit beta on Mock' }).getByRole('button', { name: 'Cancel' }).click();
  });

  it('renames a group: tools use the new name, fallbacks follow', async () => {
    await group('chat').getByRole('button', { name: 'Rename chat' }).click();
    await page.getByLabel('New name for chat').fill('assistant');
    await page.getByRole('form', { name: 'Rename chat' }).getByRole('button', { name: 'Rename' }).click();
    await group('assistant').waitFor();
    await group('broken').getByText('If it fails, then assistant').waitFor();
    expect(await served('assistant', 2)).toEqual(['beta', 'beta']);
    await expect(attempt('chat')).resolves.toMatchObject({ status: 404 });
  });

  it('a hidden alias routes but is not listed', async () => {
    const form = routingForm();
    await form.getByRole('button', { name: 'Add an alias' }).click();
    await form.getByLabel('Alias 1', { exact: true }).fill('legacy');
    await form.getByLabel('Group for alias legacy').selectOption('broken');
    await form.getByLabel('Hidden alias legacy', { exact: true }).check();
    await saveRouting();
    await group('broken').getByText('Also answers to legacy (hidden)').waitFor();
    const answer = await openai.chat.completions.create({ model: 'legacy', messages: [{ role: 'user', content: 'by alias' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello from mock: by alias');
    const listed = (await openai.models.list()).data.map((model) => model.id);
    expect(listed).toContain('broken');
    expect(listed).not.toContain('legacy');
  });

  it('removing a group first says which keys and aliases name it', async () => {
    const created = await fetch(`${gw.url}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key_alias: 'broken-tool', models: ['broken'] }),
    });
    expect(created.status).toBe(200);
    await dismissToasts(page);
    await group('broken').getByRole('button', { name: 'Remove group broken' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove the group “broken”?' });
    await dialog.getByText('broken-tool').waitFor();
    await dialog.getByText('legacy').waitFor();
    await dialog.getByText('the fallbacks for broken').waitFor();
    await shot(page, 'routing-5-remove', false);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await group('broken').waitFor();
    await group('broken').getByRole('button', { name: 'Remove group broken' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove group' }).click();
    await group('broken').waitFor({ state: 'detached' });
    await expect(attempt('broken')).resolves.toMatchObject({ status: 404 });
  });

  it('names every control, and works from the keyboard', async () => {
    // No axe here: each control must have a label, an aria-label or (a button) its text, and none is kept out of the tab order.
    const unnamed = await page.evaluate<string[]>(`[...document.querySelectorAll('main input, main select, main textarea, main button')]
      .filter((control) => !(control.getAttribute('aria-label') || control.getAttribute('aria-labelledby') || control.labels?.length || (control.tagName === 'BUTTON' && control.textContent.trim())) || control.tabIndex < 0)
      .map((control) => control.outerHTML.slice(0, 160))`);
    expect(unnamed).toEqual([]);
    // A removal asked from the keyboard, and called off with Escape.
    await group('assistant').getByRole('button', { name: 'Remove group assistant' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Remove the group “assistant”?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // A weight typed and saved with Enter alone.
    await page.getByLabel('Weight of alpha on Mock').focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('3');
    await Promise.all([page.waitForResponse((response) => response.url().endsWith('/ui/api/models.update')), page.keyboard.press('Enter')]);
    await expect.poll(() => page.getByLabel('Weight of alpha on Mock').inputValue()).toBe('3');
  });

  it('looks right dark and in a narrow window', async () => {
    const dark = await signedInPage(browser, gw, { colorScheme: 'dark' });
    await go(dark, 'Models & routing');
    await group('assistant', dark).waitFor();
    await shot(dark, 'routing-2-models-dark');
    await dark.close();
    const narrow = await signedInPage(browser, gw, { width: 900 });
    await go(narrow, 'Models & routing');
    await group('assistant', narrow).waitFor();
    await shot(narrow, 'routing-3-models-narrow');
    await narrow.close();
  });
});
