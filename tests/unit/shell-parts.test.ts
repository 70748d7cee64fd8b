// The shell's small parts, each on its own: the rotating log file, the app's command line,
// the autostart entry, the tray probe and icons, the session cookie.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSettings } from '../../electron/shell/app-args.js';
import { autostartEntry, desktopExecArgument } from '../../electron/shell/login-item.js';
import { RotatingLogFile } from '../../electron/shell/log-file.js';
import { isTrayShown, staysInTrayOnClose } from '../../electron/shell/tray-availability.js';
import { trayIconFile } from '../../electron/shell/tray.js';
import { parseSessionCookie } from '../../electron/shell/ui-session.js';
import { tempDir } from '../helpers/cli.js';

function write(stream: RotatingLogFile, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

describe('the log file', () => {
  it('rotates by size and keeps only the newest files', async () => {
    const path = join(tempDir(), 'logs', 'loopgate.log');
    const log = new RotatingLogFile(path, { maxBytes: 100, keep: 2 });
    for (let batch = 0; batch < 5; batch++) await write(log, `${String(batch).repeat(60)}\n`);
    expect(readFileSync(path, 'utf8')).toBe(`${'4'.repeat(60)}\n`);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(`${'3'.repeat(60)}\n`);
    expect(readFileSync(`${path}.2`, 'utf8')).toBe(`${'2'.repeat(60)}\n`);
    expect(existsSync(`${path}.3`)).toBe(false);
  });

  it('appends to the file a previous run left, and survives a folder it cannot create', async () => {
    const dir = tempDir();
    const path = join(dir, 'loopgate.log');
    await write(new RotatingLogFile(path), 'first run\n');
    await write(new RotatingLogFile(path), 'second run\n');
    expect(readFileSync(path, 'utf8')).toBe('first run\nsecond run\n');
    const impossible = new RotatingLogFile(join(path, 'not-a-dir', 'x.log'));
    await write(impossible, 'dropped\n');
    expect(impossible.writable).toBe(true);
  });
});

describe("the app's command line", () => {
  const env = { HOME: '/home/me', XDG_CONFIG_HOME: '/home/me/.config' };

  it('reads --port, --config and --data-dir past Electron and Chromium arguments; the command line beats LOOPGATE_*', () => {
    expect(appSettings(['electron', '.', '--no-sandbox', '--port', '0', '--config=/c.yaml', '--data-dir', '/d'], { ...env, LOOPGATE_PORT: '9000' })).toEqual({
      port: 0,
      configFile: '/c.yaml',
      dataDir: '/d',
      exportKey: false,
    });
    expect(appSettings(['/opt/Loopgate/loopgate'], { ...env, LOOPGATE_PORT: '9000', LOOPGATE_CONFIG: '/e.yaml' })).toEqual({ port: 9000, configFile: '/e.yaml', dataDir: '/home/me/.config/Loopgate', exportKey: false });
    expect(appSettings(['/opt/Loopgate/loopgate', 'export-key', '--data-dir', '/d'], env)).toMatchObject({ exportKey: true, dataDir: '/d' });
    expect(appSettings(['/opt/Loopgate/loopgate'], env).port).toBe(7420);
  });

  it('refuses a port that is not one, naming where it came from', () => {
    expect(() => appSettings(['x', '--port', '70000'], env)).toThrow('--port expects a port from 0 to 65535, got "70000"');
    expect(() => appSettings(['x'], { ...env, LOOPGATE_PORT: 'abc' })).toThrow('LOOPGATE_PORT expects a port from 0 to 65535, got "abc"');
  });
});

describe('the autostart entry', () => {
  it('quotes the executable by the Desktop Entry rules', () => {
    expect(desktopExecArgument('/opt/Loopgate/loopgate')).toBe('"/opt/Loopgate/loopgate"');
    expect(desktopExecArgument('/home/me/My Apps/Loop$gate "1" 100%.AppImage')).toBe('"/home/me/My Apps/Loop\\\\$gate \\\\"1\\\\" 100%%.AppImage"');
    expect(autostartEntry('/opt/Loopgate/loopgate')).toMatch(/^\[Desktop Entry\]\nType=Application\n[\s\S]*\nExec="\/opt\/Loopgate\/loopgate"\n[\s\S]*X-GNOME-Autostart-enabled=true\n$/);
  });
});

describe('the tray', () => {
  it('shows on Linux only when a StatusNotifier host is on the session bus', async () => {
    expect(await isTrayShown('linux', async () => '(true,)\n')).toBe(true);
    expect(await isTrayShown('linux', async () => '(false,)\n')).toBe(false);
    expect(await isTrayShown('linux', async () => Promise.reject(new Error('gdbus: not found')))).toBe(false);
    expect(await isTrayShown('darwin', async () => '(false,)')).toBe(true);
    expect(await isTrayShown('win32', async () => '(false,)')).toBe(true);
  });

  it('LOOPGATE_QUIT_ON_CLOSE overrides what the probe found', () => {
    expect(staysInTrayOnClose({}, true)).toBe(true);
    expect(staysInTrayOnClose({}, false)).toBe(false);
    expect(staysInTrayOnClose({ LOOPGATE_QUIT_ON_CLOSE: '1' }, true)).toBe(false);
    expect(staysInTrayOnClose({ LOOPGATE_QUIT_ON_CLOSE: '0' }, false)).toBe(true);
  });

  it('uses a template image on macOS, an .ico on Windows', () => {
    expect(trayIconFile('darwin')).toBe('trayTemplate.png');
    expect(trayIconFile('win32')).toBe('tray.ico');
    expect(trayIconFile('linux')).toBe('tray.png');
  });
});

describe('the session cookie', () => {
  it("reads the gateway's Set-Cookie", () => {
    expect(parseSessionCookie('lg_session=abc=def; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=43200')).toEqual({ name: 'lg_session', value: 'abc=def', path: '/ui', maxAgeSeconds: 43200 });
    expect(parseSessionCookie('lg_session=; Path=/ui; Max-Age=0')).toBeNull();
    expect(parseSessionCookie('garbage')).toBeNull();
  });
});
