// Providers → Add a provider, Anthropic with "Each tool's own sign-in": the rule is said next to
// the choice, no key is asked for, and the provider lists as signing in through each tool (no
// connection test, which would need a key). Light, dark and a 900×600 window are screenshotted.
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, closeInOrder, go, launchSignedIn, LOOKS_SMALL_WINDOW, shot, sidewaysScroll, signedInPage, startFileGateway } from './ui.js';

let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;
let page: Page;

const RULE = /A tool's own sign-in \(Claude Code's Claude login\) passes through to Anthropic for that tool only/;

beforeAll(async () => {
  gw = await startFileGateway(`model_list:
  - model_name: claude-own
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: http://127.0.0.1:9, api_key: passthrough }
`);
  ({ browser, page } = await launchSignedIn(gw));
}, 30_000);

afterAll(() => closeInOrder(browser, gw));

const addForm = (on: Page = page) => on.getByRole('form', { name: 'Add a provider' });

/** Opens the add form on Anthropic with each tool's own sign-in chosen. */
async function chooseOwnSignIn(on: Page): Promise<void> {
  await go(on, 'Providers');
  await on.getByRole('button', { name: 'New provider' }).click();
  await addForm(on).getByLabel('Type').selectOption('anthropic');
  await addForm(on).getByLabel('Sign-in').selectOption('passthrough');
}

describe('a provider where each tool signs in itself (issue 25, point 4)', () => {
  it('is offered for Anthropic only, with its rule said next to it, and asks for no key', async () => {
    await go(page, 'Providers');
    await page.getByRole('button', { name: 'New provider' }).click();
    expect(await addForm().getByLabel('Sign-in').count()).toBe(0);
    await page.keyboard.press('Escape');
    await chooseOwnSignIn(page);
    await expect.poll(() => addForm().getByText(RULE).count()).toBe(1);
    expect(await addForm().locator('input[type="password"]').count()).toBe(0);
    await addForm().getByLabel('Name').fill('My Claude login');
    await addForm().getByRole('button', { name: 'Add provider' }).click();
    const added = page.getByRole('article', { name: 'My Claude login' });
    await added.getByText("each tool's own sign-in").waitFor();
    expect(await added.getByRole('button', { name: 'Test connection' }).count()).toBe(0);
    // The config file's passthrough deployment says the same.
    await page.getByRole('article', { name: 'anthropic (config file)' }).getByText("each tool's own sign-in").waitFor();
    await shot(page, 'passthrough-providers');
  });

  it('can be switched to a saved key in the edit form, which then asks for one', async () => {
    const added = page.getByRole('article', { name: 'My Claude login' });
    await added.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit My Claude login' });
    expect(await edit.getByLabel('Sign-in').inputValue()).toBe('passthrough');
    expect(await edit.locator('input[type="password"]').count()).toBe(0);
    await edit.getByLabel('Sign-in').selectOption('key');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.getByRole('alert').filter({ hasText: 'enter the API key' }).waitFor();
    await edit.getByLabel('New API key').fill('sk-ant-api03-saved-key-4321');
    await edit.getByRole('button', { name: 'Save' }).click();
    await added.getByText('key ••••4321').waitFor();
  });

  it('reads well dark and in a 900×600 window', async () => {
    for (const [name, look] of LOOKS_SMALL_WINDOW) {
      const view = await signedInPage(browser, gw, { ...look, axe: true });
      await chooseOwnSignIn(view);
      await addForm(view).getByText(RULE).waitFor();
      expect(await sidewaysScroll(view), name).toBe(0);
      expect(await axeViolations(view), name).toEqual([]);
      await shot(view, `passthrough-form-${name}`, name !== '900x600');
      await view.close();
    }
  });
});
