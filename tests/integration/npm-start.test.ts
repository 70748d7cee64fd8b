// `npm start` (build/scripts/start.mjs) as a terminal runs it: in its own process group, stopped
// by Ctrl-C sent to the whole group. Electron's binary is stood in for by a script at
// ELECTRON_OVERRIDE_DIST_PATH that behaves like Chromium on signals: the first SIGINT starts a
// graceful shutdown, a second one kills it mid-flush.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir } from '../helpers/cli.js';

const START = join(PROJECT_ROOT, 'build/scripts/start.mjs');

function fakeElectron(): { dist: string; report: string } {
  const dist = tempDir('loopgate-fake-electron-');
  const report = join(dist, 'report.json');
  writeFileSync(
    join(dist, 'electron'),
    `#!${process.execPath}
require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }));
let stopping = false;
process.on('SIGINT', () => {
  if (stopping) process.exit(130);
  stopping = true;
  setTimeout(() => { console.log('fake electron: flushed'); process.exit(0); }, 300);
});
setInterval(() => {}, 1000);
console.log('fake electron: ready');
`,
    { mode: 0o755 },
  );
  return { dist, report };
}

/** A stand-in browser opener on PATH, so the headless gateway's --open opens nothing real. */
function fakeOpener(): { bin: string; opened: string } {
  const bin = tempDir('loopgate-fake-open-');
  const opened = join(bin, 'opened.txt');
  for (const name of ['xdg-open', 'open']) {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "$1" >> ${JSON.stringify(opened)}\n`, { mode: 0o755 });
  }
  return { bin, opened };
}

/** start.mjs processes still running when a test ends (it failed midway): told to stop, which they pass on to the app or gateway. */
const groups = new Set<number>();

afterEach(() => {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  groups.clear();
});

function npmStart(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [START, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  groups.add(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    exit,
    stdout: () => stdout,
    stderr: () => stderr,
    /** Ctrl-C in a terminal: the signal goes to the whole foreground process group. */
    ctrlC: () => process.kill(-child.pid!, 'SIGINT'),
    until: async (pattern: RegExp): Promise<RegExpExecArray> => {
      await expect.poll(() => pattern.exec(stdout), { timeout: 15_000 }).not.toBeNull();
      return pattern.exec(stdout)!;
    },
  };
}

describe('npm start', () => {
  it('runs the app with the arguments given, and one Ctrl-C (even passed on twice) stops it after its flush', async () => {
    const electron = fakeElectron();
    const run = npmStart(['--port', '0', '--data-dir', '/tmp/loopgate-data'], { ELECTRON_OVERRIDE_DIST_PATH: electron.dist });
    await run.until(/fake electron: ready/);
    expect(JSON.parse(readFileSync(electron.report, 'utf8'))).toEqual({ args: ['.', '--port', '0', '--data-dir', '/tmp/loopgate-data'], cwd: PROJECT_ROOT.replace(/\/$/, '') });
    run.ctrlC();
    run.ctrlC(); // npm passing the same Ctrl-C on
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toContain('fake electron: flushed');
    expect(run.stderr()).toBe('');
  });

  it('without the binary: one line says why, the gateway serves headless and opens the admin UI; Ctrl-C stops it with one flush', async () => {
    const opener = fakeOpener();
    const dataDir = tempDir();
    const run = npmStart(['--port', '0', '--data-dir', dataDir], { ELECTRON_OVERRIDE_DIST_PATH: tempDir('loopgate-no-electron-'), PATH: `${opener.bin}:${process.env.PATH}` });
    const [, origin] = await run.until(/^Loopgate listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    const explained = run
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('Loopgate:'));
    expect(explained).toEqual([expect.stringMatching(/^Loopgate: there is no Electron at ELECTRON_OVERRIDE_DIST_PATH \(.+\), so the gateway runs headless and opens its admin UI in your browser \(Ctrl-C stops it\)\.$/)]);
    expect(run.stderr()).not.toMatch(/^\s+at /m);
    const page = await fetch(`${origin}/ui/`);
    expect(page.status).toBe(200);
    await expect.poll(() => existsSync(opener.opened)).toBe(true);
    expect(readFileSync(opener.opened, 'utf8')).toMatch(new RegExp(`^${origin}/ui/login\\?token=`));
    run.ctrlC();
    run.ctrlC();
    expect(await run.exit).toBe(0);
    expect(run.stderr().match(/SIGINT received/g)).toHaveLength(1);
    expect(existsSync(join(dataDir, 'loopgate.lock'))).toBe(false);
  });

  it('--headless runs the gateway even where Electron is installed, and says nothing about it', async () => {
    const electron = fakeElectron();
    const opener = fakeOpener();
    const run = npmStart(['--headless', '--port', '0', '--data-dir', tempDir()], { ELECTRON_OVERRIDE_DIST_PATH: electron.dist, PATH: `${opener.bin}:${process.env.PATH}` });
    await run.until(/^Loopgate listening on http:\/\/127\.0\.0\.1:\d+\n/);
    expect(existsSync(electron.report)).toBe(false);
    expect(run.stderr()).not.toContain('Loopgate:');
    run.ctrlC();
    expect(await run.exit).toBe(0);
  });
});
