// "Install the loopgate command" on each OS, as plain data (the launcher script, the link, the
// PATH entry, the administrator command), the Linux install done for real in a throw-away HOME,
// and the desktop executable telling `loopgate run …` from a normal start.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appCommand } from '../../electron/shell/app-commands.js';
import { adminLinkCommand, installLoopgateCommand, installPlan, osascriptArgs, windowsPathScript } from '../../electron/shell/install-command.js';
import { tempDir } from '../helpers/cli.js';

describe('the install plan', () => {
  it('on macOS links /usr/local/bin/loopgate to a launcher script of the app’s executable, as administrator', () => {
    const plan = installPlan({ platform: 'darwin', home: '/Users/ann', dataDir: '/Users/ann/Library/Application Support/Loopgate', program: { path: '/Applications/Loopgate.app/Contents/MacOS/Loopgate', node: false } });
    expect(plan).toMatchObject({ needsAdmin: true, pathEntry: null, link: { path: '/usr/local/bin/loopgate', target: '/Users/ann/Library/Application Support/Loopgate/bin/loopgate' } });
    expect(plan.script.content).toContain('exec "/Applications/Loopgate.app/Contents/MacOS/Loopgate" "$@"');
    const command = adminLinkCommand(plan.link!);
    expect(command).toBe(`mkdir -p '/usr/local/bin' && ln -sfn '/Users/ann/Library/Application Support/Loopgate/bin/loopgate' '/usr/local/bin/loopgate'`);
    expect(osascriptArgs(command)).toEqual(['-e', `do shell script "${command}" with administrator privileges`]);
  });

  it('on Windows writes loopgate.cmd and adds its folder to the user PATH once, without setx', () => {
    const plan = installPlan({ platform: 'win32', home: 'C:\\Users\\ann', dataDir: 'C:\\Users\\ann\\AppData\\Roaming\\Loopgate', program: { path: 'C:\\Program Files\\Loopgate\\Loopgate.exe', node: false } });
    expect(plan.link).toBeNull();
    expect(plan.script.content).toBe('@echo off\r\n"C:\\Program Files\\Loopgate\\Loopgate.exe" %*\r\n');
    expect(windowsPathScript("C:\\it's")).toContain(`$d = 'C:\\it''s'`);
    expect(windowsPathScript('C:\\x')).toContain('-contains $d');
  });
});

describe('on Linux', () => {
  it('links ~/.local/bin/loopgate to a script that runs the command, and refuses to replace a loopgate that is not its own', async () => {
    const home = tempDir('loopgate-install-home-');
    const dataDir = join(home, '.config/Loopgate');
    const program = join(home, 'fake-loopgate');
    writeFileSync(program, '#!/bin/sh\necho "ran with $*"\n', { mode: 0o755 });
    const target = { platform: 'linux' as const, home, dataDir, program: { path: program, node: false } };
    const result = await installLoopgateCommand(target, { PATH: '/usr/bin' });
    expect(result).toMatchObject({ installed: true, path: join(home, '.local/bin/loopgate') });
    expect(result.message).toContain('is not on your PATH yet');
    expect(readlinkSync(join(home, '.local/bin/loopgate'))).toBe(join(dataDir, 'bin/loopgate'));
    expect(execFileSync(join(home, '.local/bin/loopgate'), ['run', 'claude'], { encoding: 'utf8' })).toBe('ran with run claude\n');
    // Installing again is fine; a file of someone else's is left alone.
    expect((await installLoopgateCommand(target, { PATH: join(home, '.local/bin') })).message).not.toContain('not on your PATH');
    const other = tempDir('loopgate-install-other-');
    mkdirSync(join(other, '.local/bin'), { recursive: true });
    writeFileSync(join(other, '.local/bin/loopgate'), 'not ours');
    const refused = await installLoopgateCommand({ ...target, home: other }, {});
    expect(refused).toMatchObject({ installed: false, message: expect.stringContaining('is not Loopgate') });
    expect(statSync(join(other, '.local/bin/loopgate')).size).toBe(8);
  });
});

describe('the desktop executable', () => {
  it('takes `run` and `env` as launcher commands and anything else as a normal start', () => {
    expect(appCommand(['/opt/Loopgate/loopgate', 'run', 'claude', '-p', 'hi'], true)).toEqual({ command: 'run', args: ['claude', '-p', 'hi'] });
    expect(appCommand(['/usr/bin/electron', '.', 'env', 'codex'], false)).toEqual({ command: 'env', args: ['codex'] });
    expect(appCommand(['/opt/Loopgate/loopgate', '--port', '0'], true)).toBeNull();
    expect(appCommand(['/opt/Loopgate/loopgate', 'export-key'], true)).toBeNull();
  });
});
