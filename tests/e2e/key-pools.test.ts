// Providers → a provider's API keys (issue 29, key pools): keys added and removed in the app,
// and a config file's pool whose second key the upstream limits — each key shown masked with its
// state (ready, or cooling down until when); Test connection tries each key. Light, dark and a
// 900×600 window, axe clean.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { chatCompletion } from '../helpers/mock-openai.js';
import { addProvider, axeViolations, closeInOrder, go, launchSignedIn, LOOKS_SMALL_WINDOW, shot, sidewaysScroll, signedInPage, startFileGateway } from './ui.js';

let upstream: Server;
let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;
let page: Page;

const FILE_KEYS = ['sk-file-first-1111', 'sk-file-limited-2222', 'sk-file-third-3333'];

beforeAll(async () => {
  // Limits every key with `-limited-` in it; answers the others.
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      // The model list, for Test connection: a key with `-revoked-` in it is refused.
      if (req.url?.endsWith('/models')) {
        const revoked = (req.headers.authorization ?? '').includes('-revoked-');
        res.writeHead(revoked ? 401 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(revoked ? { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } } : { object: 'list', data: [{ id: 'pooled', object: 'model' }] }));
        return;
      }
      const limited = (req.headers.authorization ?? '').includes('-limited-');
      res.writeHead(limited ? 429 : 200, { 'content-type': 'application/json', ...(limited ? { 'retry-after': '600' } : {}) });
      const answer = chatCompletion('chatcmpl-e2e', 'pooled', { role: 'assistant', content: 'hi' }, { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 });
      res.end(JSON.stringify(limited ? { error: { message: 'Rate limit reached for requests', type: 'requests' } } : answer));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const apiBase = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
  gw = await startFileGateway(`model_list:
  - model_name: pooled
    litellm_params: { model: openai/pooled, api_base: "${apiBase}", api_key: [${FILE_KEYS.join(', ')}] }
`);
  ({ browser, page } = await launchSignedIn(gw));
}, 30_000);

afterAll(async () => {
  await closeInOrder(browser, gw);
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const keysOf = (name: string, on: Page = page) => on.getByRole('region', { name: `API keys of ${name}` });

async function sendChats(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'pooled', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
  }
}

describe('a provider’s pool of API keys (issue 29, point 5)', () => {
  it('shows a config file’s keys masked, the one the upstream limited cooling down alone', async () => {
    await sendChats(4);
    await go(page, 'Providers');
    const keys = keysOf('openai (config file)');
    await keys.getByText('••••1111').waitFor();
    const rows = keys.getByRole('listitem');
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringMatching(/••••1111\s*ready/), expect.stringMatching(/••••2222\s*cooling down\s*until/), expect.stringMatching(/••••3333\s*ready/)]);
    expect(await keys.getByText('Rate limit reached for requests').count()).toBe(1);
    expect(await page.content()).not.toMatch(/sk-file-/);
    // A config file's keys are the file's to change.
    expect(await keys.getByRole('button').count()).toBe(0);
  });

  it('adds keys to a provider made here and removes one, each shown by its last four characters', async () => {
    await addProvider(page, { name: 'Team OpenAI', apiBase: 'http://127.0.0.1:9/v1', apiKey: 'sk-team-one-aaaa' });
    const keys = keysOf('Team OpenAI');
    for (const key of ['sk-team-two-bbbb', 'sk-team-three-cccc']) {
      await keys.getByLabel('Another API key for Team OpenAI').fill(key);
      await keys.getByRole('button', { name: 'Add key' }).click();
      await keys.getByText(`••••${key.slice(-4)}`).waitFor();
    }
    await expect.poll(() => keys.getByRole('listitem').count()).toBe(3);
    await keys.getByRole('button', { name: 'Remove key ••••bbbb' }).click();
    await expect.poll(() => keys.getByRole('listitem').allTextContents()).toEqual([expect.stringContaining('••••aaaa'), expect.stringContaining('••••cccc')]);
    expect(await page.content()).not.toMatch(/sk-team-/);
    await shot(page, 'key-pools-providers');
  });

  it('Test connection tries every key of the pool and says which one the provider refuses', async () => {
    const apiBase = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    const view = await signedInPage(browser, gw, { axe: true });
    await go(view, 'Providers');
    await addProvider(view, { name: 'Tested Pool', apiBase, apiKey: 'sk-tested-good-dddd' });
    const keys = keysOf('Tested Pool', view);
    await keys.getByLabel('Another API key for Tested Pool').fill('sk-tested-revoked-eeee');
    await keys.getByRole('button', { name: 'Add key' }).click();
    await keys.getByText('••••eeee').waitFor();
    const provider = view.getByRole('article', { name: 'Tested Pool' });
    await provider.getByRole('button', { name: 'Test connection' }).click();
    const each = provider.getByRole('status', { name: 'Each key' });
    await expect.poll(() => each.getByRole('listitem').allTextContents()).toEqual(['Key ••••dddd: works', expect.stringMatching(/^Key ••••eeee: .*Incorrect API key provided/)]);
    // The key that works still lists the models.
    await provider.getByText('Connected · 1 model available').waitFor();
    expect(await view.content()).not.toMatch(/sk-tested-/);
    expect(await axeViolations(view)).toEqual([]);
    await provider.scrollIntoViewIfNeeded();
    await shot(view, 'key-pools-test-each-key');
    await view.emulateMedia({ colorScheme: 'dark' });
    await view.setViewportSize({ width: 900, height: 600 });
    expect(await axeViolations(view)).toEqual([]);
    await each.scrollIntoViewIfNeeded();
    await shot(view, 'key-pools-test-each-key-900-dark', false);
    await view.close();
  });

  it('reads well dark and in a 900×600 window', async () => {
    for (const [name, look] of LOOKS_SMALL_WINDOW) {
      const view = await signedInPage(browser, gw, { ...look, axe: true });
      await go(view, 'Providers');
      await keysOf('openai (config file)', view).getByText('cooling down').waitFor();
      await keysOf('Team OpenAI', view).getByText('••••cccc').waitFor();
      expect(await sidewaysScroll(view), name).toBe(0);
      expect(await axeViolations(view), name).toEqual([]);
      await keysOf('Team OpenAI', view).scrollIntoViewIfNeeded();
      await shot(view, `key-pools-${name}`, name !== '900x600');
      await view.close();
    }
  });
});
