// Models & routing → Import config.yaml with router_settings and litellm_settings: the review
// shows each routing setting now and after, names what is not imported, and once confirmed the
// routing form shows the imported values. A routing save in between is a conflict, shown as
// elsewhere, and the review is offered again. Light, dark and a 900×600 window are screenshotted.
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { axeViolations, closeInOrder, go, launchSignedIn, LOOKS_SMALL_WINDOW, shot, sidewaysScroll, signedInPage, startFileGateway } from './ui.js';

let upstream: MockUpstream;
let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;
let page: Page;

function config(retries = 1): string {
  return `model_list:
  - model_name: big
    litellm_params: { model: openai/gpt-4o, api_base: ${upstream.apiBase}, api_key: sk-up }
  - model_name: small
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.apiBase}, api_key: sk-up }
router_settings:
  routing_strategy: least-busy
  num_retries: ${retries}
  cooldown_time: 12
  fallbacks: [{ big: [small] }]
  model_group_alias: { gpt-4: big }
  redis_host: redis.internal
litellm_settings:
  drop_params: true
  success_callback: [langfuse]
`;
}

const routingForm = (on: Page = page) => on.getByRole('form', { name: 'Routing settings' });
const review = (on: Page = page) => on.getByRole('region', { name: 'Review the import' });

/** Opens the import, pastes the config and asks for the review. */
async function openReview(on: Page, retries = 1): Promise<void> {
  await go(on, 'Models & routing');
  await on.getByRole('button', { name: 'Import config.yaml' }).click();
  await on.getByRole('form', { name: 'Import a config' }).getByLabel('Or paste it').fill(config(retries));
  await on.getByRole('button', { name: 'Review the import' }).click();
  await review(on).waitFor();
}

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startFileGateway('model_list: []\n');
  ({ browser, page } = await launchSignedIn(gw));
}, 60_000);

afterAll(() => closeInOrder(browser, gw, upstream));

describe('importing a config with routing settings', () => {
  it('reviews each routing setting now and after, and names what is not imported', async () => {
    await openReview(page);
    const changes = page.getByRole('table', { name: 'Routing settings the import changes' });
    await expect.poll(() => changes.getByRole('row', { name: /Retries/ }).innerText()).toMatch(/Retries\s*router_settings\.num_retries\s+2\s+1/);
    expect(await changes.getByRole('row', { name: /Strategy/ }).innerText()).toMatch(/Shuffle by weight\s+Least busy/);
    expect(await changes.getByRole('row', { name: /When a group fails/ }).innerText()).toMatch(/none\s+big → small/);
    expect(await changes.getByRole('row', { name: /Aliases/ }).innerText()).toContain('gpt-4 → big');
    const skipped = review().getByRole('note', { name: 'Not imported' });
    expect(await skipped.innerText()).toContain('router_settings.redis_host');
    expect(await skipped.innerText()).toContain('litellm_settings.success_callback');
    // Nothing is saved by the review.
    expect(await routingForm().getByLabel('Retries').inputValue()).toBe('2');
    await shot(page, 'import-review-light');
  });

  it('a routing save after the review is a conflict: nothing is imported, and the review comes again on the new version', async () => {
    await routingForm().getByLabel('Allowed fails').fill('9');
    await routingForm().getByRole('button', { name: 'Save routing settings' }).click();
    await routingForm().getByText('All changes saved').waitFor();
    await review().getByRole('button', { name: 'Import', exact: true }).click();
    await review().getByRole('alert').getByText('Someone else changed the routing settings first. Nothing was overwritten.').waitFor();
    expect(await page.getByRole('article', { name: 'big', exact: true }).count()).toBe(0);
    await review().getByRole('button', { name: 'Reload it' }).click();
    await review().getByRole('alert').waitFor({ state: 'detached' });
  });

  it('once confirmed, the routing form shows the imported values', async () => {
    await review().getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/Imported 2 models on 1 new provider\. 6 routing settings changed\. Not imported: .*router_settings\.redis_host/).waitFor();
    await expect.poll(() => routingForm().getByLabel('Retries').inputValue()).toBe('1');
    expect(await routingForm().getByLabel('Cooldown (s)').inputValue()).toBe('12');
    expect(await routingForm().getByLabel('Strategy').inputValue()).toBe('least-busy');
    expect(await routingForm().getByLabel('Allowed fails').inputValue()).toBe('9'); // the file does not set it: the saved value stays
    expect(await routingForm().getByText('All changes saved').count()).toBe(1);
    await page.getByRole('article', { name: 'big', exact: true }).waitFor();
    await shot(page, 'import-routing-form');
  });

  it('reads well dark and in a 900×600 window', async () => {
    // The first test pictured the review light.
    for (const [name, look] of LOOKS_SMALL_WINDOW.filter(([name]) => name !== 'light')) {
      const view = await signedInPage(browser, gw, { ...look, axe: true });
      // Another file's retries, so the review has a change to show against the imported settings.
      await openReview(view, 3);
      await view
        .getByRole('table', { name: 'Routing settings the import changes' })
        .getByRole('row', { name: /Retries/ })
        .waitFor();
      expect(await sidewaysScroll(view), name).toBe(0);
      expect(await axeViolations(view), name).toEqual([]);
      await shot(view, `import-review-${name}`, name !== '900x600');
      await view.close();
    }
  });
});
