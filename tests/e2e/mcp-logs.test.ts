// MCP tool calls in the app's Logs view (issue 28): a call through /mcp and one the key was
// refused show as rows of their own, named by the MCP tool where a request names its model, with
// the reason in the details. Light, dark and a 900 px window, with nothing axe finds serious.
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';
import { axeViolations, closeInOrder, go, launchChromium, LOOKS, shot, sidewaysScroll, signedInPage, startFileGateway } from './ui.js';

let gw: Awaited<ReturnType<typeof startFileGateway>>;
let browser: Browser;

async function connect(key: string): Promise<Client> {
  const client = new Client({ name: 'mcp-logs-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  return client;
}

beforeAll(async () => {
  gw = await startFileGateway(`mcpServers:
  notes:
    command: ${process.execPath}
    args: ["${join(PROJECT_ROOT, 'tests/fixtures/mcp/stdio-server.mjs')}", "notes"]
`);
  const master = await connect(TEST_MASTER_KEY);
  await master.callTool({ name: 'notes__echo', arguments: { text: 'hi' } });
  await master.close();
  const created = await fetch(`${gw.url}/key/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ key_alias: 'docs-only', metadata: { mcp_servers: ['docs'] } }),
  });
  const narrow = await connect(((await created.json()) as { key: string }).key);
  await expect(narrow.callTool({ name: 'notes__pid', arguments: {} })).rejects.toThrow(/may not use MCP server "notes"/);
  await narrow.close();
  browser = await launchChromium();
}, 60_000);

afterAll(() => closeInOrder(browser, gw));

describe('MCP tool calls in Logs', () => {
  for (const [name, look] of LOOKS) {
    it(`shows each tool call as a row named by its tool, and why one was refused (${name})`, async () => {
      const page = await signedInPage(browser, gw, { ...look, axe: true });
      try {
        await go(page, 'Logs');
        const requests = page.getByRole('region', { name: 'Requests' });
        await expect.poll(() => requests.innerText()).toMatch(/MCP notes__echo\s+200/);
        expect(await requests.innerText()).toMatch(/docs-only\s+MCP notes__pid\s+403/);
        await page.getByRole('row', { name: /docs-only, MCP notes__pid, status 403/ }).click();
        const details = page.getByRole('complementary', { name: 'Request details' });
        await expect.poll(() => details.innerText()).toMatch(/permission · This key may not use MCP server "notes"/);
        expect(await details.innerText()).toMatch(/MCP tool\s+MCP notes__pid/);
        // Nothing of a model request's: no deployment tried, no tokens, no route.
        expect(await details.innerText()).not.toMatch(/Last tried|Served by|Tokens|Route|deployment/);
        expect(await sidewaysScroll(page)).toBe(0);
        expect(await axeViolations(page), name).toEqual([]);
        await shot(page, `mcp-logs-${name}`);
      } finally {
        await page.close();
      }
    });
  }
});
