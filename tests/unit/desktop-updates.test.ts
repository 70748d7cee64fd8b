// The desktop app's self-update end to end without Electron's binary: the shell runs a real
// gateway against the fake Electron, and a real electron-updater (AppImageUpdater) fetches from a
// release feed on loopback. It looks at start, downloads, says "ready" (tray, notification, the
// window's event), and installs when the app quits, after the flush; a download whose SHA-512
// does not match the metadata is refused and said so.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../electron/app/start.js';
import { DesktopShell } from '../../electron/shell/lifecycle.js';
import { channelFor, type ApiMethod, type ApiRequest, type ApiResponse, type Result, type UpdatePhase, type UpdateView } from '../../shared/api.js';
import { tempDir } from '../helpers/cli.js';
import { createFakeElectron, type FakeElectron } from '../helpers/fake-electron.js';
import { appImageUpdater, NEW_VERSION, startUpdateServer, type UpdateServer } from '../helpers/update-server.js';

const DAY_MS = 24 * 60 * 60_000;
const INSTALLED = `Loopgate-${NEW_VERSION}-x86_64.AppImage`;

interface Harness {
  fake: FakeElectron;
  shell: DesktopShell;
  dataDir: string;
  installDir: string;
  appImage: string;
  intervals: number[];
}

const cleanup: Array<() => Promise<void>> = [];
const savedAppImage = process.env.APPIMAGE;

afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((stop) => stop()));
  if (savedAppImage === undefined) delete process.env.APPIMAGE;
  else process.env.APPIMAGE = savedAppImage;
});

async function feed(options: { tampered?: boolean } = {}): Promise<UpdateServer> {
  const server = await startUpdateServer(options);
  cleanup.push(() => server.close());
  return server;
}

function harness(server: UpdateServer, settings?: object): Harness {
  const fake = createFakeElectron({ packaged: true });
  const dataDir = tempDir('loopgate-update-data-');
  const installDir = tempDir('loopgate-update-app-');
  if (settings) writeFileSync(join(dataDir, 'updates.json'), JSON.stringify(settings));
  const host = appImageUpdater(installDir, server.url);
  const intervals: number[] = [];
  const shell = new DesktopShell({
    electron: fake.electron,
    argv: ['/opt/Loopgate/loopgate', '--port', '0', '--data-dir', dataDir],
    env: { XDG_CONFIG_HOME: join(installDir, '.config') },
    platform: 'linux',
    execPath: host.appImage,
    resources: { preload: '/app/preload.cjs', cli: '/app/cli.js', trayIcon: '/app/build/tray.png', windowIcon: '/app/build/icon.png' },
    startGateway: async (options) => flushesOnTimeline(await startGateway(options), fake.timeline),
    isTrayShown: async () => true,
    every(intervalMs) {
      intervals.push(intervalMs);
      return () => undefined;
    },
    onSignal: () => undefined,
    now: Date.now,
    logMirror: null,
    updates: {
      ...host,
      install(restart) {
        fake.timeline.push(restart ? 'install and restart' : 'install');
        return host.install(restart);
      },
    },
  });
  cleanup.push(() => shell.stop(100));
  return { fake, shell, dataDir, installDir, appImage: host.appImage, intervals };
}

function flushesOnTimeline(started: StartedGateway, timeline: string[]): StartedGateway {
  const close = started.close.bind(started);
  return Object.assign(started, {
    async close(graceMs?: number) {
      await close(graceMs);
      timeline.push('flush done');
    },
  });
}

/** Calls the shell's IPC as the app's window would. */
async function call<M extends ApiMethod>(h: Harness, method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
  const page = h.fake.windows[0]?.loaded[0];
  if (!page) throw new Error('no window loaded the UI');
  const result = (await h.fake.invoke(channelFor(method), request, { url: page, parent: null })) as Result<ApiResponse<M>>;
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value;
}

async function until(h: Harness, phases: UpdatePhase[]): Promise<UpdateView> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const view = await call(h, 'updates.get', {});
    if (phases.includes(view.phase)) return view;
    if (Date.now() > deadline) throw new Error(`update phase stayed ${view.phase}: ${view.message ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function quit(h: Harness): Promise<void> {
  h.fake.app.quit();
  const deadline = Date.now() + 10_000;
  while (h.fake.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

const trayLabels = (h: Harness): string[] => (h.fake.trays[0]?.menu?.template ?? []).map((item) => item.label ?? '');

describe('self-update', () => {
  it('looks at start and daily, downloads, says "ready" in the tray, a notification and the window, and installs on quit after the flush', async () => {
    const server = await feed();
    const h = harness(server);
    const heard: UpdateView[] = [];
    await h.shell.start();
    h.fake.send(
      'loopgate:events:subscribe',
      { url: h.fake.windows[0]!.loaded[0]!, parent: null },
      {
        send: (channel, data) => void (channel === 'loopgate:event:update' && heard.push(data as UpdateView)),
        isDestroyed: () => false,
        once: () => undefined,
      },
    );

    const ready = await until(h, ['ready', 'failed']);
    expect(ready).toMatchObject({ phase: 'ready', version: NEW_VERSION, currentVersion: '0.1.0', message: expect.stringContaining('Restart now') });
    expect(server.requests).toEqual(['/latest-linux.yml', `/${INSTALLED}`]);
    expect(h.intervals).toContain(DAY_MS);
    expect(heard.at(-1)?.phase).toBe('ready');
    expect(h.fake.notifications.map((n) => n.options.title)).toContain(`Loopgate ${NEW_VERSION} is ready`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(trayLabels(h)).toContain(`Update ready: restart to install ${NEW_VERSION}`);
    // Nothing is installed while the app runs.
    expect(existsSync(h.appImage)).toBe(true);

    await quit(h);
    expect(h.fake.exitCode).toBe(0);
    const order = ['flush done', 'install', 'exit 0'].map((step) => h.fake.timeline.indexOf(step));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The AppImage is replaced by the verified download, which the updater ran once.
    expect(existsSync(h.appImage)).toBe(false);
    expect(readFileSync(join(h.installDir, INSTALLED), 'utf8')).toContain(NEW_VERSION);
    expect(readFileSync(join(h.installDir, 'ran-after-install'), 'utf8').trim()).toBe(NEW_VERSION);
  });

  it('refuses a tampered installer (wrong SHA-512): says so, installs nothing on quit', async () => {
    const server = await feed({ tampered: true });
    const h = harness(server);
    await h.shell.start();

    const failed = await until(h, ['ready', 'failed']);
    expect(failed.phase).toBe('failed');
    expect(failed.message).toMatch(/Loopgate 0\.2\.0 was refused: the download did not match the SHA-512 its release published/);
    expect(h.fake.notifications.map((n) => n.options.title)).toContain('Loopgate refused an update');
    expect(trayLabels(h).some((label) => label.startsWith('Update ready'))).toBe(false);
    expect(await call(h, 'updates.restart', {})).toEqual({ restarting: false });

    await quit(h);
    expect(h.fake.exitCode).toBe(0);
    expect(h.fake.timeline).not.toContain('install');
    expect(readFileSync(h.appImage, 'utf8')).toBe('#!/bin/sh\nexit 0\n');
    expect(existsSync(join(h.installDir, INSTALLED))).toBe(false);
    expect(existsSync(join(h.installDir, 'ran-after-install'))).toBe(false);
  });

  it('turned off never looks; turned on with the beta channel looks at the beta feed, keeps the setting, and "Restart now" installs', async () => {
    const server = await feed();
    const h = harness(server, { enabled: false, channel: 'stable' });
    await h.shell.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await call(h, 'updates.get', {})).phase).toBe('off');
    expect(server.requests).toEqual([]);

    expect((await call(h, 'updates.configure', { enabled: true, channel: 'beta' })).settings).toEqual({ enabled: true, channel: 'beta' });
    await until(h, ['ready']);
    expect(server.requests[0]).toBe('/beta-linux.yml');
    expect(JSON.parse(readFileSync(join(h.dataDir, 'updates.json'), 'utf8'))).toEqual({ enabled: true, channel: 'beta' });
    await expect(call(h, 'updates.configure', { enabled: true, channel: 'nightly' } as never)).rejects.toThrow(/channel/);

    expect(await call(h, 'updates.restart', {})).toEqual({ restarting: true });
    const deadline = Date.now() + 10_000;
    while (h.fake.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.fake.timeline.indexOf('install and restart')).toBeGreaterThan(h.fake.timeline.indexOf('flush done'));
    expect(h.fake.exitCode).toBe(0);
    expect(existsSync(join(h.installDir, INSTALLED))).toBe(true);
  });
});
