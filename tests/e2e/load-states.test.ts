// Issue 27, "views that say they could not load": each view first opened while the gateway is
// stopped (browser mode, `loopgate serve`) says what it could not load, why, and offers Retry —
// not an empty section, "Loading…" for ever, or "No models yet" — and once the gateway answers
// again (a restart ends the session: sign in) the view loads by itself, Retry never pressed.
// 1280×800 light and 900×600 dark, axe clean both ways.
import type { Browser, Locator, Page } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../electron/config/index.js';
import { rendererDir } from '../../electron/core/app-info.js';
import { MemoryLogger } from '../../electron/core/logger.js';
import { createApp, type App } from '../../electron/app/index.js';
import { createGateway, type Gateway } from '../../electron/gateway/http/server.js';
import { openStore, type Store } from '../../electron/store/index.js';
import { tempDir } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { axeViolations, go, launchChromium, shot, sidewaysScroll } from './ui.js';

const LOOKS = [
  { size: { width: 1280, height: 800 }, colorScheme: 'light' },
  { size: { width: 900, height: 600 }, colorScheme: 'dark' },
] as const;

/** The reason a failed first load gives in browser mode (lib/api.ts loadFailure). */
const WHY = "Loopgate isn't responding; this view loads by itself once it is back.";

interface ViewCase {
  /** The menu entry. */
  view: string;
  /** What the view said it could not load, and in which region. */
  failed: Array<{ region: string; what: string }>;
  /** What the view shows instead of its content before the fix (never while it could not load). */
  misleading: string[];
  /** What shows once it loaded, on an empty store. */
  loaded: (page: Page) => Locator[];
}

const VIEWS: ViewCase[] = [
  {
    view: 'Overview',
    failed: [
      { region: 'Usage over time', what: 'usage' },
      { region: 'Sessions and projects', what: 'sessions' },
    ],
    misleading: [],
    loaded: (page) => [page.getByRole('region', { name: 'By model' }), page.getByRole('region', { name: 'Sessions and projects' }).getByText('No agent sessions in this period.')],
  },
  { view: 'Providers', failed: [{ region: 'Your providers', what: 'providers' }], misleading: ['No providers yet'], loaded: (page) => [page.getByText('No providers yet')] },
  {
    view: 'Models & routing',
    failed: [
      { region: 'Model groups', what: 'model groups' },
      { region: 'Routing', what: 'routing settings' },
    ],
    misleading: ['No models yet'],
    loaded: (page) => [page.getByText('No models yet'), page.getByRole('form', { name: 'Routing settings' })],
  },
  { view: 'Connect', failed: [{ region: 'Fill in', what: 'models' }], misleading: ['Add a model first'], loaded: (page) => [page.getByText('Add a model first')] },
  {
    view: 'MCP servers',
    failed: [
      { region: 'Servers', what: 'MCP servers' },
      { region: 'Access by key', what: 'keys' },
    ],
    misleading: ['Loading…', 'No MCP servers yet', 'No keys yet'],
    loaded: (page) => [page.getByText('No MCP servers yet'), page.getByText('No keys yet')],
  },
  { view: 'Playground', failed: [{ region: 'Conversation', what: 'models' }], misleading: ['No models to talk to'], loaded: (page) => [page.getByText('No models to talk to')] },
];

const dataDir = tempDir('loopgate-e2e-load-states-');
let port = 0;
let running: { app: App; gateway: Gateway; store: Store } | null = null;
let browser: Browser;

/** The gateway as `loopgate serve` runs it: the same port and data dir every start. */
async function startGateway(): Promise<void> {
  const logger = new MemoryLogger();
  const store = await openStore(dataDir, logger);
  const app = await createApp({ config: parseConfigText('model_list: []\n', { env: {} }), masterKey: TEST_MASTER_KEY, logger, store, env: {} });
  const gateway = createGateway(app, { uiDir: rendererDir(), eventHeartbeatMs: 1_000 });
  const { origin } = await gateway.listen(port, '127.0.0.1');
  port = Number(new URL(origin).port);
  running = { app, gateway, store };
}

async function stopGateway(): Promise<void> {
  const current = running;
  running = null;
  await current?.gateway.close(1_000);
  await current?.app.close();
  await current?.store.close();
}

beforeAll(async () => {
  await startGateway();
  browser = await launchChromium();
}, 60_000);

// A test that stopped the gateway and failed midway leaves it running for the next.
afterEach(async () => {
  if (!running) await startGateway();
});

afterAll(async () => {
  await browser?.close();
  await stopGateway();
});

/** A signed-in page on the Overview; axe goes in as a script tag, which the app's CSP would refuse. */
async function openPage(look: (typeof LOOKS)[number]): Promise<Page> {
  const page = await browser.newPage({ viewport: look.size, colorScheme: look.colorScheme, bypassCSP: true });
  page.setDefaultTimeout(10_000);
  await page.goto(running!.gateway.loginLink());
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return page;
}

describe('a view first opened while the gateway is stopped', () => {
  // Each view in one of the two looks, alternating (every check costs a gateway stop and start): both sizes and themes are covered.
  for (const [index, { view, failed, misleading, loaded }] of VIEWS.entries()) {
    const look = LOOKS[index % LOOKS.length]!;
    const name = `${view.replace(/\W+/g, '-').toLowerCase()}-${look.size.width}-${look.colorScheme}`;
    it(`${view} says it couldn't load, why, with Retry, then loads by itself (${look.size.width}×${look.size.height}, ${look.colorScheme})`, async () => {
      const page = await openPage(look);
      // The Overview was open at sign-in: it is first opened (mounted) again from another view.
      if (view === 'Overview') await go(page, 'Keys');
      await stopGateway();
      await page.getByRole('alert').filter({ hasText: "Loopgate isn't responding — retrying…" }).waitFor();
      await go(page, view);
      for (const { region, what } of failed) {
        const section = page.getByRole('region', { name: region, exact: true });
        const alert = section.getByRole('alert').filter({ hasText: `Couldn't load ${what}.` });
        await alert.waitFor();
        expect(await alert.textContent()).toContain(WHY);
        expect(await section.getByRole('button', { name: 'Retry' }).count()).toBe(1);
        expect(await page.getByText(`Loading ${what}…`).count()).toBe(0);
      }
      for (const text of misleading) expect(await page.getByText(text, { exact: false }).count(), text).toBe(0);
      expect(await sidewaysScroll(page)).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await shot(page, `load-states-${name}`, false);

      // A restarted `loopgate serve` holds no session: sign in, and the view loads without Retry.
      await startGateway();
      await page.getByRole('heading', { name: 'Sign in to Loopgate' }).waitFor({ timeout: 15_000 });
      await page.getByRole('textbox', { name: 'Master key' }).fill(TEST_MASTER_KEY);
      await page.getByRole('button', { name: 'Sign in' }).click();
      for (const shown of loaded(page)) await shown.waitFor();
      await expect.poll(() => page.getByText("Couldn't load").count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    }, 60_000);
  }
});
