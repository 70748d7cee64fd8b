// The admin UI of a team server (issue 16), in Chromium, browser mode, reached as through an SSH
// tunnel (`ssh -L P:127.0.0.1:P`): a TCP forwarder on [::1]:P to the instance on 127.0.0.1:P, so the
// gateway sees a loopback client and the page's origin keeps the port. The Overview lists the live
// instances and hears of one joining and one stopping; light, dark and a 900×600 window.
import { createServer, connect, type Server } from 'node:net';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTeamServer, type TeamServer } from '../helpers/team-server.js';
import { axeViolations, DESKTOP, launchChromium, shot, sidewaysScroll } from './ui.js';

const FAST = { intervalMs: 200, expiryMs: 2_000 };

let team: TeamServer;
let a: TestGateway;
let b: TestGateway;
let tunnel: Server;
let tunnelOrigin = '';
let browser: Browser;

/** What `ssh -L` does: every connection to [::1]:port is piped to the instance on 127.0.0.1:port. */
function openTunnel(target: URL): Promise<Server> {
  const server = createServer((inbound) => {
    const outbound = connect(Number(target.port), target.hostname);
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(target.port), '::1', () => resolve(server));
  });
}

beforeAll(async () => {
  team = await startTeamServer();
  a = await team.instance({ instanceHeartbeat: FAST });
  b = await team.instance({ instanceHeartbeat: FAST });
  tunnel = await openTunnel(new URL(a.url));
  tunnelOrigin = `http://[::1]:${new URL(a.url).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (tunnel ? tunnel.close(() => done()) : done()));
  await a?.close();
  await b?.close();
  await team?.stop();
});

/** A page signed in through the tunnel with a one-time link (what `loopgate serve --open` prints); CSP bypassed for axe's inline script. */
async function tunnelPage(options: { colorScheme: 'light' | 'dark'; width: number; height?: number }): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: options.width, height: options.height ?? DESKTOP.height }, colorScheme: options.colorScheme, bypassCSP: true });
  page.setDefaultTimeout(10_000);
  const link = new URL(a.gateway.loginLink());
  await page.goto(`${tunnelOrigin}${link.pathname}${link.search}`);
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return page;
}

const hostOf = (gateway: { url: string }): string => new URL(gateway.url).host;

describe('the Overview of a team server, through a tunnel', () => {
  it('lists the live instances, and hears of one joining and one stopping', async () => {
    const page = await tunnelPage({ colorScheme: 'light', width: DESKTOP.width });
    try {
      const section = page.getByRole('region', { name: /instances? live/ });
      await expect.poll(() => section.getByRole('heading').textContent()).toBe('2 instances live');
      const rows = section.getByRole('row');
      await expect.poll(() => rows.count()).toBe(3);
      const text = (await section.textContent()) ?? '';
      expect(text).toContain(hostOf(a));
      expect(text).toContain(hostOf(b));
      expect(await section.getByRole('row').filter({ hasText: 'this one' }).textContent()).toContain(hostOf(a));
      expect(await axeViolations(page)).toEqual([]);
      await shot(page, 'team-overview-light');

      const c = await team.instance({ instanceHeartbeat: FAST });
      await expect.poll(() => section.getByRole('heading').textContent(), { timeout: 5_000 }).toBe('3 instances live');
      expect(await section.textContent()).toContain(hostOf(c));
      await c.close();
      await expect.poll(() => section.getByRole('heading').textContent(), { timeout: 5_000 }).toBe('2 instances live');
    } finally {
      await page.close();
    }
  });

  it('reads well dark and in a 900×600 window', async () => {
    const dark = await tunnelPage({ colorScheme: 'dark', width: DESKTOP.width });
    try {
      await dark.getByRole('heading', { name: '2 instances live' }).waitFor();
      expect(await axeViolations(dark)).toEqual([]);
      await shot(dark, 'team-overview-dark');
    } finally {
      await dark.close();
    }
    const narrow = await tunnelPage({ colorScheme: 'light', width: 900, height: 600 });
    try {
      await narrow.getByRole('heading', { name: '2 instances live' }).waitFor();
      expect(await sidewaysScroll(narrow)).toBe(0);
      await shot(narrow, 'team-overview-narrow');
    } finally {
      await narrow.close();
    }
  });
});
