// Issue 23's app part, in the real UI: Chromium against a real gateway and a mock Anthropic
// upstream. Routes are made in Models & routing (a form per condition kind, order, on/off) and
// saved; then the route test panel's answer for each scenario's sample — and for a header rule,
// and a request no route matches — is held against what the gateway does with the very same
// body and headers sent for real (`x-loopgate-route`, and which upstream model served it).
// The view is screenshotted light, dark and 900 px wide into tests/.screenshots.
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { axeViolations, closeInOrder, go, launchSignedIn, shot, SHOTS, sidewaysScroll, signedInPage, startFileGateway } from './ui.js';

let upstream: MockAnthropic;
let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;
let page: Page;

const GROUPS = ['main', 'cheap', 'reasoner', 'longctx', 'vision', 'search', 'agents', 'team'];
const PATHS = { anthropic: '/v1/messages', chat: '/v1/chat/completions', responses: '/v1/responses', gemini: '' } as const;
type Dialect = keyof typeof PATHS;

const routesForm = (): Locator => page.getByRole('form', { name: 'Routes' });
const testPanel = (): Locator => page.getByRole('form', { name: 'Route test' });
const editor = (): Locator => routesForm().getByRole('group', { name: /^Edit / });
/** One value of the panel's answer: Route, Group or Deployment. */
const answer = (term: 'Route' | 'Group' | 'Deployment'): Locator => testPanel().getByRole('region', { name: 'Route test result' }).locator(`dt:text-is("${term}") + dd`);

/** Adds a route through its form: a name, a group, and its first condition's kind (then `more` fills that kind's fields). */
async function addRoute(name: string, to: string, kind: string, more?: (condition: Locator) => Promise<void>): Promise<void> {
  await routesForm().getByRole('button', { name: 'Add a route' }).click();
  await editor().getByLabel('Route name').fill(name);
  await editor().getByLabel('Sends to group').selectOption(to);
  await editor().getByLabel(`Kind of condition 1 of ${name}`).selectOption({ label: kind });
  if (more) await more(editor());
  await editor().getByRole('button', { name: 'Done' }).click();
  await editor().waitFor({ state: 'detached' });
}

async function saveRoutes(): Promise<void> {
  const saved = page.waitForResponse((response) => response.url().endsWith('/ui/api/routing.update'));
  await routesForm().getByRole('button', { name: 'Save routes' }).click();
  expect((await saved).ok()).toBe(true);
  await routesForm().getByText('Unsaved changes').waitFor({ state: 'detached' });
}

/** Picks a scenario and dialect in the panel and runs the test; answers what the panel shows. */
async function explain(scenario: string, dialect: Dialect = 'anthropic', extraHeaders = ''): Promise<{ route: string; group: string }> {
  const panel = testPanel();
  await panel.getByLabel('Dialect').selectOption(dialect);
  await panel.getByLabel('Scenario').selectOption({ label: scenario });
  await panel.getByLabel('Model asked for').selectOption('main');
  if (extraHeaders) await panel.getByLabel('Headers').fill(`${await panel.getByLabel('Headers').inputValue()}\n${extraHeaders}`);
  const explained = page.waitForResponse((response) => response.url().endsWith('/ui/api/routing.explain'));
  await panel.getByRole('button', { name: 'Test the route' }).click();
  expect((await explained).ok()).toBe(true);
  await answer('Route').waitFor();
  return { route: (await answer('Route').textContent())!.trim(), group: (await answer('Group').textContent())!.trim() };
}

/** Sends what the panel holds (body, headers, dialect) to the gateway for real: the route it answers with and the upstream model that served it. */
async function sendForReal(dialect: Dialect): Promise<{ status: number; route: string | null; served: string }> {
  const panel = testPanel();
  const body = await panel.getByLabel('Body').inputValue();
  const headers: Record<string, string> = { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
  for (const line of (await panel.getByLabel('Headers').inputValue()).split('\n').filter((each) => each.includes(':'))) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const path = dialect === 'gemini' ? `/v1beta/models/${await panel.getByLabel('Model in the path').inputValue()}:generateContent` : PATHS[dialect];
  const from = upstream.requests.length;
  const response = await fetch(`${gw.url}${path}`, { method: 'POST', headers, body });
  await response.arrayBuffer();
  const served = upstream.requests.slice(from).find((request) => request.path === '/v1/messages');
  return { status: response.status, route: response.headers.get('x-loopgate-route'), served: String(served?.body.model ?? 'nothing') };
}

/** One section's picture, whole: the window is made as tall as the view's scrolling box first (as shot() does). */
async function sectionShot(view: Page, section: Locator, name: string): Promise<void> {
  const size = view.viewportSize()!;
  const hidden = await view.evaluate<number>('(() => { const main = document.querySelector("main"); return main ? main.scrollHeight - main.clientHeight : 0; })()');
  await view.setViewportSize({ width: size.width, height: size.height + hidden });
  try {
    await section.screenshot({ path: join(SHOTS, `${name}.png`) });
  } finally {
    await view.setViewportSize(size);
  }
}

beforeAll(async () => {
  upstream = await startMockAnthropic();
  gw = await startFileGateway(`model_list:
${GROUPS.map((name) => `  - model_name: ${name}\n    litellm_params:\n      model: anthropic/${name}-up\n      api_base: ${upstream.url}\n      api_key: sk-ant-mock`).join('\n')}
# A search provider, so a web search translated to an Anthropic upstream is run by Loopgate (the mock model never calls it).
search_tools:
  - search_tool_name: web
    litellm_params: { search_provider: searxng, api_base: http://127.0.0.1:9 }
`);
  ({ browser, page } = await launchSignedIn(gw));
}, 60_000);

afterAll(() => closeInOrder(browser, gw, upstream));

const SCENARIOS = [
  { scenario: 'Background (small, fast model)', route: 'background', group: 'cheap' },
  { scenario: 'Thinking', route: 'thinking', group: 'reasoner' },
  { scenario: 'Long prompt', route: 'long', group: 'longctx' },
  { scenario: 'Image in a tool result', route: 'image', group: 'vision' },
  { scenario: 'Web search', route: 'search', group: 'search' },
  { scenario: 'Subagent marker', route: 'subagent', group: 'agents' },
];

describe('Routes and the route test in Chromium, against the gateway', () => {
  it('makes a route per scenario, a header rule and a switched-off catch-all, in order, and saves them', async () => {
    await go(page, 'Models & routing');
    await routesForm().getByText('No routes: every request is served by the model group it asks for.').waitFor();
    await addRoute('background', 'cheap', 'Background request');
    await addRoute('thinking', 'reasoner', 'Thinking');
    await addRoute('long', 'longctx', 'Long prompt', (form) => form.getByLabel('Prompt tokens over').fill('1000'));
    await addRoute('image', 'vision', 'Image');
    await addRoute('search', 'search', 'Web search');
    await addRoute('subagent', 'agents', 'Subagent');
    await addRoute('team', 'team', 'Header', async (form) => {
      await form.getByLabel('Header name').fill('x-team');
      await form.getByLabel('Compare').selectOption('equals');
      await form.getByLabel('Value', { exact: true }).fill('blue');
    });
    // A route with no condition takes everything: off, and first, it must take nothing.
    await routesForm().getByRole('button', { name: 'Add a route' }).click();
    await editor().getByLabel('Route name').fill('everything');
    await editor().getByRole('button', { name: 'Remove condition 1 of everything' }).click();
    await editor().getByText('No conditions: every request takes this route').waitFor();
    await editor().getByRole('button', { name: 'Done' }).click();
    await routesForm().getByRole('switch', { name: 'Use route everything' }).click();
    // Up by its arrow to second place, then dragged onto the first.
    for (let place = 8; place > 2; place--) await routesForm().getByRole('button', { name: 'Move everything up' }).click();
    await expect.poll(() => routesForm().getByRole('listitem').nth(1).getAttribute('aria-label')).toBe('everything');
    await routesForm()
      .getByRole('listitem', { name: 'everything' })
      .dragTo(routesForm().getByRole('listitem', { name: 'background' }));
    await expect.poll(() => routesForm().getByRole('listitem').first().getAttribute('aria-label')).toBe('everything');

    // A route without a name is refused next to it, and nothing is saved.
    await routesForm().getByRole('button', { name: 'Add a route' }).click();
    await routesForm().getByRole('button', { name: 'Save routes' }).click();
    await editor().getByText('Name the route: answers and the request log show it.').waitFor();
    await routesForm().getByRole('button', { name: 'Remove route route 9' }).click();

    await saveRoutes();
    await page.reload();
    await routesForm().getByRole('listitem', { name: 'team' }).getByText('header x-team = blue').waitFor();
    expect(
      await routesForm()
        .getByRole('listitem')
        .evaluateAll((items) => items.map((item) => item.getAttribute('aria-label'))),
    ).toEqual(['everything', ...SCENARIOS.map((each) => each.route), 'team']);
    await expect(routesForm().getByRole('switch', { name: 'Use route everything' }).isChecked()).resolves.toBe(false);
  }, 60_000);

  for (const { scenario, route, group } of SCENARIOS) {
    it(`${scenario}: the panel shows the route "${route}", and the gateway takes it`, async () => {
      expect(await explain(scenario)).toEqual({ route, group });
      const real = await sendForReal('anthropic');
      expect(real).toEqual({ status: 200, route, served: `${group}-up` });
      if (route === 'subagent') expect(JSON.stringify(upstream.requests.at(-1)?.body)).not.toContain('loopgate-model');
    });
  }

  it('a header rule: the panel and the gateway both take "team"', async () => {
    expect(await explain('A plain request', 'anthropic', 'x-team: blue')).toEqual({ route: 'team', group: 'team' });
    expect(await sendForReal('anthropic')).toEqual({ status: 200, route: 'team', served: 'team-up' });
  });

  it('a request no route matches: default, by the model asked for, each route saying why not', async () => {
    expect(await explain('A plain request')).toEqual({ route: 'default', group: 'main' });
    const verdicts = testPanel().getByRole('region', { name: 'Route test result' }).getByRole('row');
    await verdicts.filter({ hasText: 'everything' }).getByText('off', { exact: true }).waitFor();
    await expect(verdicts.filter({ hasText: 'team' }).getByRole('cell').nth(2).textContent()).resolves.toMatch(/x-team/);
    await expect(answer('Deployment').textContent()).resolves.toContain('main-up');
    expect(await sendForReal('anthropic')).toEqual({ status: 200, route: 'default', served: 'main-up' });
  });

  it('every scenario in the other dialects: the panel and the gateway agree', async () => {
    for (const dialect of ['chat', 'responses', 'gemini'] as const) {
      for (const { scenario, route } of SCENARIOS) {
        const shown = await explain(scenario, dialect);
        const real = await sendForReal(dialect);
        expect({ dialect, scenario, shown: shown.route, route: real.route, served: real.served }).toEqual({ dialect, scenario, shown: route, route, served: `${shown.group}-up` });
      }
    }
  }, 60_000);

  it('two pages editing the routes: the later save is a conflict, nothing is overwritten, and reloading shows theirs', async () => {
    const other = await signedInPage(browser, gw);
    try {
      await go(other, 'Models & routing');
      const theirs = other.getByRole('form', { name: 'Routes' });
      await theirs.getByRole('switch', { name: 'Use route team' }).click();
      const saved = other.waitForResponse((response) => response.url().endsWith('/ui/api/routing.update'));
      await theirs.getByRole('button', { name: 'Save routes' }).click();
      expect((await saved).ok()).toBe(true);

      // This page read the version before: its save is refused, its edit kept on screen.
      await routesForm().getByRole('switch', { name: 'Use route everything' }).click();
      await routesForm().getByRole('button', { name: 'Save routes' }).click();
      await routesForm()
        .getByText(/Someone else changed the routes first/)
        .waitFor();
      await expect(routesForm().getByRole('switch', { name: 'Use route everything' }).isChecked()).resolves.toBe(true);
      // The catch-all is still off where it counts: the panel and the gateway both say so.
      expect(await explain('A plain request')).toEqual({ route: 'default', group: 'main' });
      expect(await sendForReal('anthropic')).toMatchObject({ route: 'default' });
      await routesForm().getByRole('button', { name: 'Reload it' }).click();
      await expect(routesForm().getByRole('switch', { name: 'Use route team' }).isChecked()).resolves.toBe(false);
      await expect(routesForm().getByRole('switch', { name: 'Use route everything' }).isChecked()).resolves.toBe(false);
      // Back as it was, for the pictures.
      await routesForm().getByRole('switch', { name: 'Use route team' }).click();
      await saveRoutes();
    } finally {
      await other.close();
    }
  });

  it('looks right light, dark and 900 px wide, with nothing to scroll sideways and nothing axe finds serious', async () => {
    for (const [name, look] of [
      ['light', { colorScheme: 'light' }],
      ['dark', { colorScheme: 'dark' }],
      ['900', { width: 900, height: 700, colorScheme: 'light' }],
    ] as const) {
      const view = await signedInPage(browser, gw, { ...look, axe: true });
      try {
        await go(view, 'Models & routing');
        const panel = view.getByRole('form', { name: 'Route test' });
        await panel.getByLabel('Scenario').selectOption({ label: 'Subagent marker' });
        await panel.getByRole('button', { name: 'Test the route' }).click();
        await panel.getByRole('region', { name: 'Route test result' }).locator('dd').first().waitFor();
        await view.getByRole('form', { name: 'Routes' }).getByRole('button', { name: 'Edit route team' }).click();
        expect(await sidewaysScroll(view), name).toBe(0);
        expect(await axeViolations(view), name).toEqual([]);
        await shot(view, `routes-${name}`);
        // The page is long (every group comes first): each section on its own too, to look at closely.
        await sectionShot(view, view.getByRole('form', { name: 'Routes' }), `routes-${name}-list`);
        await sectionShot(view, panel, `routes-${name}-test`);
      } finally {
        await view.close();
      }
    }
  }, 90_000);
});
