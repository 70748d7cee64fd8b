// Alerts on the desktop: the shell (electron/shell/alert-notifications.ts) shows each alert the
// gateway fires as one Electron Notification, and a click opens the window at the alert's view.
// A real gateway behind a fake Electron (tests/helpers/fake-electron.ts) and a mock upstream.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../electron/app/start.js';
import { DesktopShell } from '../../electron/shell/lifecycle.js';
import { tempDir, writeConfig } from '../helpers/cli.js';
import { createFakeElectron, type FakeOptions } from '../helpers/fake-electron.js';
import { openaiModel } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let upstream: MockUpstream;
const shells: DesktopShell[] = [];

beforeAll(async () => {
  upstream = await startMockOpenAI();
});
afterAll(async () => upstream?.close());
afterEach(async () => {
  await Promise.all(shells.splice(0).map((shell) => shell.stop(100)));
});

async function desktop(options: FakeOptions = {}): Promise<{ fake: ReturnType<typeof createFakeElectron>; started: StartedGateway }> {
  const fake = createFakeElectron(options);
  const dataDir = tempDir('loopgate-alerts-');
  const config = writeConfig(dataDir, `model_list:${openaiModel('gpt-test', 'mock-gpt', upstream.apiBase, '\n      input_cost_per_token: 0.001\n      output_cost_per_token: 0.001')}\n`);
  let started: StartedGateway | null = null;
  const shell = new DesktopShell({
    electron: fake.electron,
    argv: ['/opt/Loopgate/loopgate', '--port', '0', '--data-dir', dataDir, '--config', config],
    env: { XDG_CONFIG_HOME: join(dataDir, '.config') },
    platform: 'linux',
    execPath: '/opt/Loopgate/loopgate',
    resources: { preload: '/app/preload.cjs', cli: '/app/cli.js', trayIcon: '/app/build/tray.png', windowIcon: '/app/build/icon.png' },
    startGateway: async (startOptions) => (started = await startGateway(startOptions)),
    isTrayShown: async () => true,
    every: () => () => undefined,
    onSignal: () => undefined,
    now: () => Date.now(),
    logMirror: null,
  });
  shells.push(shell);
  await shell.start();
  if (!started) throw new Error('the gateway did not start');
  return { fake, started };
}

/** A key with a tiny budget and three requests: the first crosses it (one alert), the next two are refused (one more). */
async function spendPastBudget(started: StartedGateway): Promise<string> {
  const { secret, key } = await started.app.services.keys.create({ keyAlias: 'laptop', maxBudget: 0.000001 });
  for (let i = 0; i < 3; i++) {
    await fetch(`${started.url.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
  }
  return key.id;
}

describe('desktop notifications', () => {
  it('one per alert; a click shows the window at the key’s logs', async () => {
    const { fake, started } = await desktop();
    const keyId = await spendPastBudget(started);
    await expect.poll(() => fake.notifications.length).toBe(2);
    expect(fake.notifications.map((notification) => notification.options.title)).toEqual(['Key laptop has spent 100% of its budget', 'Key laptop is blocked by its budget']);
    expect(fake.notifications[1]!.options.urgency).toBe('critical');
    const window = fake.windows[0]!;
    window.hide();
    fake.notifications[0]!.click();
    expect(window.visible).toBe(true);
    expect(window.loaded.at(-1)).toBe(`${started.url.origin}/ui/#/logs?key=${keyId}`);
  });

  it('none while the settings switch them off; the app still lists the alerts', async () => {
    const { fake, started } = await desktop();
    const api = started.app.api;
    const current = await api['alerts.settings']({});
    await api['alerts.updateSettings']({ ...current.settings, desktop: false, version: current.version });
    await spendPastBudget(started);
    await expect.poll(async () => (await api['alerts.list']({})).length).toBe(2);
    expect(fake.notifications).toEqual([]);
  });

  it('a desktop without notifications: alerts stay in the app, the shell runs on', async () => {
    const { fake, started } = await desktop({ notifications: false });
    await spendPastBudget(started);
    await expect.poll(async () => (await started.app.api['alerts.list']({})).length).toBe(2);
    expect(fake.notifications).toEqual([]);
    expect(fake.windows[0]!.visible).toBe(true);
  });
});
