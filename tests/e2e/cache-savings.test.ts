// What prompt caching saved, as a person reads it (issue 26): a Claude Code-like turn with 50k
// cached tokens shows its parts in the request's details in Logs, and Overview says what caching
// saved over the period. Light, dark and a 900 px window, with nothing axe finds serious.
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { serve, type MockServer } from '../helpers/mock-server.js';
import { axeViolations, closeInOrder, go, launchChromium, LOOKS, shot, sidewaysScroll, signedInPage, startFileGateway } from './ui.js';

let upstream: MockServer;
let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;

beforeAll(async () => {
  upstream = await serve((_path, _query, _headers, body, _raw, res) => {
    const usage = { input_tokens: 2000, cache_read_input_tokens: 50_000, cache_creation_input_tokens: 5000, output_tokens: 500 };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage }));
  });
  gw = await startFileGateway(`model_list:
  - model_name: sonnet
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${upstream.url}, api_key: sk-ant-up }
`);
  const answer = await fetch(`${gw.url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(answer.status).toBe(200);
  await answer.text();
  browser = await launchChromium();
}, 60_000);

afterAll(() => closeInOrder(browser, gw, upstream));

describe('what prompt caching saved', () => {
  for (const [name, look] of LOOKS) {
    it(`shows a request's cached tokens and the period's savings (${name})`, async () => {
      const page = await signedInPage(browser, gw, { ...look, axe: true });
      try {
        await go(page, 'Logs');
        await page
          .getByRole('row', { name: /sonnet.*200/ })
          .first()
          .click();
        const details = page.getByRole('complementary', { name: 'Request details' });
        // $0.15 as plain input against $0.047: reads saved $0.135, the writes' extra cost $0.00375 taken off.
        await expect.poll(() => details.innerText()).toMatch(/50,000 cached · 5,000 written to cache · caching saved \$0\.13/);
        expect(await details.innerText()).toMatch(/Route\s+default/);
        expect(await sidewaysScroll(page)).toBe(0);
        expect(await axeViolations(page), name).toEqual([]);
        await shot(page, `cache-logs-${name}`);
        await go(page, 'Overview');
        await expect.poll(() => page.getByTestId('cache-savings').innerText()).toMatch(/50,000 input tokens read from cache, saving \$0\.13/);
        expect(await axeViolations(page), name).toEqual([]);
        await shot(page, `cache-overview-${name}`);
      } finally {
        await page.close();
      }
    });
  }
});
