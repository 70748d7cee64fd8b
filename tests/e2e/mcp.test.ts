// The MCP view: a server added in the form is served at once (its tools show after Start), a
// server that cannot start says why, and a key limited to one server in "Access by key" sees only
// that server's tools through /mcp. Light, dark and a 900 px window are screenshotted and checked with axe.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { mcpToolNames, STDIO_SERVER } from '../helpers/mcp-client.js';
import { axeViolations, closeInOrder, DESKTOP, dismissToasts, launchChromium, shot, sidewaysScroll, startFileGateway } from './ui.js';

let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;
let page: Page;
let key = '';
const realHome = process.env.HOME;
// The agents' config files the import reads: a throw-away HOME with a Codex config.
const home = tempDir('loopgate-e2e-home-');

/** A signed-in page that axe can be injected into (its CSP bypassed), on the MCP view. */
async function mcpPage(options: { colorScheme: 'light' | 'dark'; width: number }): Promise<Page> {
  const opened = await browser.newPage({ viewport: { ...DESKTOP, width: options.width }, colorScheme: options.colorScheme, bypassCSP: true });
  opened.setDefaultTimeout(10_000);
  await opened.goto(gw.gateway.loginLink());
  await opened.getByRole('heading', { name: 'Overview' }).waitFor();
  await opened.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'MCP servers' }).click();
  await opened.getByRole('heading', { name: 'MCP servers', level: 1 }).waitFor();
  return opened;
}

const card = (target: Page, name: string) => target.getByRole('article', { name: `MCP server ${name}`, exact: true });

beforeAll(async () => {
  mkdirSync(join(home, '.codex'));
  writeFileSync(join(home, '.codex', 'config.toml'), `[mcp_servers.memory]\ncommand = "${process.execPath}"\nargs = ["${STDIO_SERVER}", "memory"]\n`);
  process.env.HOME = home;
  gw = await startFileGateway(`mcpServers:
  filed:
    command: ${process.execPath}
    args: ["${STDIO_SERVER}", "filed"]
  broken-server-with-a-long-name:
    command: ${process.execPath}
    args: ["${join(PROJECT_ROOT, 'tests/fixtures/mcp/no-such-server.mjs')}"]
`);
  const created = await fetch(`${gw.url}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ key_alias: 'ci-agent' }) });
  key = ((await created.json()) as { key: string }).key;
  // A revoked key: nothing to grant it, so Access by key leaves it out.
  const manage = (path: string, body: unknown): Promise<Response> =>
    fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const revoked = ((await (await manage('/key/generate', { key_alias: 'old-agent' })).json()) as { key: string }).key;
  expect((await manage('/key/block', { key: revoked })).status).toBe(200);
  browser = await launchChromium();
  page = await mcpPage({ colorScheme: 'light', width: DESKTOP.width });
}, 60_000);

afterAll(async () => {
  process.env.HOME = realHome;
  await closeInOrder(browser, gw);
});

describe('MCP view', () => {
  it('adds a stdio server in the form, and Start shows its tools; a server that cannot start says why', async () => {
    await page.getByRole('heading', { name: 'MCP servers', level: 1 }).waitFor();
    await expect.poll(() => card(page, 'filed (config file)').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Add server' }).click();
    const form = page.getByRole('form', { name: 'Add an MCP server' });
    // Save before the command is given: the form says what is missing, by the field.
    await form.getByRole('textbox', { name: /^Name/ }).fill('notes');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('Enter the command that starts the server, like npx.');
    await form.getByRole('textbox', { name: /^Command/ }).fill(process.execPath);
    await form.getByRole('textbox', { name: /^Arguments/ }).fill(`${STDIO_SERVER}\nnotes`);
    await form.getByRole('button', { name: 'Add variable' }).click();
    await form.getByLabel('variable 1 name').fill('ECHO_SUFFIX');
    await form.getByLabel('variable 1 value').fill('!');
    await form.getByRole('button', { name: 'Save' }).click();
    await card(page, 'notes').waitFor();
    expect(await mcpToolNames(gw.url, TEST_MASTER_KEY)).toEqual(['broken-server-with-a-long-name__unavailable', 'filed__count', 'filed__echo', 'filed__pid', 'notes__count', 'notes__echo', 'notes__pid']);
    await card(page, 'notes')
      .getByRole('button', { name: 'Check again' })
      .or(card(page, 'notes').getByRole('button', { name: 'Start' }))
      .click();
    await expect.poll(() => card(page, 'notes').getByText('3 tools').isVisible()).toBe(true);
    await expect.poll(() => card(page, 'notes').textContent()).toContain('Environment (stored encrypted): ECHO_SUFFIX');
    const broken = card(page, 'broken-server-with-a-long-name (config file)');
    await broken.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => broken.getByRole('alert').textContent()).toMatch(/^broken-server-with-a-long-name could not start: /);
    expect(await broken.getByText('Cannot start').isVisible()).toBe(true);
  });

  it('imports a server Codex declares in its own config file', async () => {
    await page.getByRole('button', { name: 'Import from your tools' }).click();
    const panel = page.getByRole('region', { name: 'Import from your tools' });
    await expect.poll(() => panel.getByRole('listitem').first().textContent()).toContain('memory');
    expect(await panel.getByText('Codex').isVisible()).toBe(true);
    await panel.getByRole('button', { name: 'Import 1 chosen' }).click();
    await card(page, 'memory').waitFor();
    expect(await mcpToolNames(gw.url, TEST_MASTER_KEY)).toContain('memory__echo');
  });

  it("limits a key to one server in Access by key, and /mcp shows that key only that server's tools", async () => {
    const access = page.getByRole('region', { name: 'Access by key' });
    await access.getByRole('button', { name: 'Edit MCP access of ci-agent' }).click();
    const editor = access.getByRole('form', { name: 'MCP access of ci-agent' });
    await editor.getByLabel('Only these').check();
    await editor.getByLabel('notes', { exact: true }).check();
    await editor.getByRole('button', { name: 'Save access' }).click();
    await expect.poll(() => access.getByRole('row', { name: /ci-agent/ }).textContent()).toContain('notes');
    expect(await access.getByRole('row', { name: /old-agent/ }).count()).toBe(0);
    expect(await mcpToolNames(gw.url, key)).toEqual(['notes__count', 'notes__echo', 'notes__pid']);
    await dismissToasts(page);
    expect(await sidewaysScroll(page)).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'mcp-light');
  });

  it('reads in dark mode and in a 900 px window without sideways scrolling, with nothing axe finds serious', async () => {
    for (const [name, options] of [
      ['dark', { colorScheme: 'dark' as const, width: DESKTOP.width }],
      ['900', { colorScheme: 'light' as const, width: 900 }],
    ] as const) {
      const other = await mcpPage(options);
      await card(other, 'notes').waitFor();
      await other.getByRole('button', { name: 'Add server' }).click();
      await other.getByRole('form', { name: 'Add an MCP server' }).waitFor();
      await card(other, 'broken-server-with-a-long-name (config file)').getByRole('button', { name: 'Start' }).click();
      await card(other, 'broken-server-with-a-long-name (config file)').getByRole('alert').waitFor();
      await card(other, 'notes').locator('summary').click();
      await other.getByRole('button', { name: 'Import from your tools' }).click();
      await other.getByRole('region', { name: 'Import from your tools' }).getByText('already in Loopgate').waitFor();
      await other.getByRole('button', { name: 'Edit MCP access of ci-agent' }).click();
      await other.getByRole('form', { name: 'MCP access of ci-agent' }).waitFor();
      expect(await sidewaysScroll(other)).toBe(0);
      expect(await axeViolations(other), name).toEqual([]);
      await shot(other, `mcp-${name}`);
      await other.close();
    }
  });
});
