// Issue 21, finding 4, in Chromium: a web page on another origin (a second server on loopback,
// as any site the person visits could be) fires wrong keys at the gateway — image tags with
// Gemini's ?key=, fetch without CORS, fetch with CORS. The browser's address is 127.0.0.1, the
// same as every local tool's; afterwards a tool with the master key still gets its models and
// the admin UI still signs in.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogFields } from '../../electron/core/logger.js';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { DESKTOP, launchChromium, startFileGateway } from './ui.js';

const GUESSES = 12;

let gw: Awaited<ReturnType<typeof startFileGateway>>;
let foreign: Server;
let foreignPort = 0;
let browser: Browser;

/** The attacking page: wrong keys every way a page can send them without the person noticing. */
function attackPage(target: string): string {
  const images = Array.from({ length: GUESSES }, (_, i) => `<img alt="" src="${target}/v1beta/models?key=guess-img-${i}">`).join('\n');
  return `<!doctype html><html><head><title>a page</title></head><body>${images}
<script>
  const target = ${JSON.stringify(target)};
  const settled = (promise) => promise.then(() => undefined, () => undefined);
  const images = [...document.images].map((img) => settled(new Promise((ok, fail) => {
    if (img.complete) return ok();
    img.onload = ok;
    img.onerror = fail;
  })));
  const calls = [];
  for (let i = 0; i < ${GUESSES}; i++) {
    calls.push(settled(fetch(target + '/v1beta/models?key=guess-no-cors-' + i, { mode: 'no-cors' })));
    calls.push(settled(fetch(target + '/v1/models?key=guess-cors-' + i)));
    calls.push(settled(fetch(target + '/v1/chat/completions?key=guess-post-' + i, { method: 'POST', mode: 'no-cors', body: '{"model":"x","messages":[]}' })));
  }
  Promise.all([...images, ...calls]).then(() => { window.finished = true; });
</script></body></html>`;
}

beforeAll(async () => {
  gw = await startFileGateway('model_list: []\n');
  foreign = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(attackPage(gw.url));
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  foreignPort = (foreign.address() as AddressInfo).port;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => foreign?.close(resolve));
  await gw?.close();
});

const models = (key: string): Promise<Response> => fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });

describe('a web page on another origin (issue 21, finding 4)', () => {
  it('cannot lock local clients out of the gateway with wrong keys', async () => {
    // Same site (127.0.0.1 on another port) and another site (localhost) alike.
    for (const origin of [`http://127.0.0.1:${foreignPort}`, `http://localhost:${foreignPort}`]) {
      const page = await browser.newPage({ viewport: DESKTOP });
      await page.goto(`${origin}/`);
      await page.waitForFunction('window.finished === true', undefined, { timeout: 20_000 });
      await page.close();
    }
    // A local tool with the master key gets its models; a wrong key from a tool still reads 401.
    expect((await models(TEST_MASTER_KEY)).status).toBe(200);
    expect((await models('sk-a-tools-typo')).status).toBe(401);
    // The guesses did arrive, each refused as a page's (none counted).
    const guesses = logged('/v1beta/models');
    expect(guesses.length).toBeGreaterThanOrEqual(2 * 2 * GUESSES);
    expect(new Set(guesses.map((entry) => entry.status))).toEqual(new Set([403]));

    // And the admin UI signs in with the master key, in the same browser.
    const page = await browser.newPage({ viewport: DESKTOP });
    page.setDefaultTimeout(10_000);
    await page.goto(`${gw.url}/ui/`);
    await page.getByLabel('Master key').fill(TEST_MASTER_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.close();
  });
});

/** The gateway's log lines for requests on a path. */
function logged(path: string): LogFields[] {
  return gw.logger.records.filter((entry) => entry.msg === 'request' && entry.path === path);
}
