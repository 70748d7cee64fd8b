// `npm start [-- --port N --config FILE --data-dir DIR --headless]`: opens the desktop app, or,
// without Electron's binary, runs the same gateway headless and opens its admin UI in the browser.
// Installs skip Electron's download (.npmrc), so the binary is fetched here on first use, quietly:
// when that fails, one line says why and the gateway starts headless.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/electron/cli.js');
const electronPackage = packageDir('electron');
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
/** Said only when the download is really under way (offline, it fails sooner). */
const DOWNLOAD_NOTICE_MS = 2_000;
/** A second signal this soon after the first is the same Ctrl-C passed on again (by npm). */
const DUPLICATE_SIGNAL_MS = 1_000;

function packageDir(name) {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    return null; // installed without development dependencies
  }
}

/** Where Electron's own entry (node_modules/electron/index.js) would look, without its download. */
function installedElectron() {
  if (!electronPackage) return { missing: 'the electron package is not installed' };
  const pathFile = join(electronPackage, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const binary = join(override, executable ?? (process.platform === 'win32' ? 'electron.exe' : 'electron'));
    return existsSync(binary) ? { binary } : { missing: `there is no Electron at ELECTRON_OVERRIDE_DIST_PATH (${override})` };
  }
  const binary = executable && join(electronPackage, 'dist', executable);
  return binary && existsSync(binary) ? { binary } : null;
}

/** The first "SomeError: message" line of the installer's output, or its exit status. */
function failureReason(output, status) {
  const match = /^\w*Error(?: \[\w+\])?: (.+)$/m.exec(output);
  return match ? match[1] : `the installer exited with ${status}`;
}

/** Runs Electron's installer with its output captured, so a failure is one line, not a stack trace. */
function downloadElectron() {
  return new Promise((resolve) => {
    const installer = spawn(process.execPath, [join(electronPackage, 'install.js')], { cwd: electronPackage, stdio: ['ignore', 'pipe', 'pipe'], timeout: DOWNLOAD_TIMEOUT_MS });
    let output = '';
    installer.stdout.on('data', (chunk) => (output += chunk));
    installer.stderr.on('data', (chunk) => (output += chunk));
    const notice = setTimeout(() => process.stderr.write("Loopgate: downloading Electron's binary (first start only)…\n"), DOWNLOAD_NOTICE_MS);
    installer.on('error', (error) => resolve({ reason: error.message }));
    installer.on('close', (status, signal) => {
      clearTimeout(notice);
      resolve(status === 0 ? {} : { reason: signal ? 'the download timed out' : failureReason(output, status) });
    });
  });
}

/** The binary, or why there is none. */
async function electronBinary() {
  const installed = installedElectron();
  if (installed?.binary || installed?.missing) return installed;
  const { reason } = await downloadElectron();
  if (reason) return { missing: `Electron's binary is not installed and could not be downloaded (${reason})` };
  return installedElectron() ?? { missing: "Electron's installer finished but left no binary" };
}

/**
 * Runs the app or the gateway as a child. On POSIX it gets its own process group, so a
 * terminal's Ctrl-C reaches it once, through here: a second SIGINT would kill Electron in the
 * middle of its flush. On Windows the console delivers Ctrl-C to the child itself (and
 * child.kill() there would be a hard kill), so nothing is passed on.
 */
function run(command, args) {
  const posix = process.platform !== 'win32';
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // set by some terminals (VS Code's); Electron would start as plain Node
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'], detached: posix });
  let firstSignalAt = 0;
  const passOn = (signal) => {
    if (!posix) return;
    const now = Date.now();
    if (firstSignalAt && now - firstSignalAt < DUPLICATE_SIGNAL_MS) return;
    firstSignalAt ||= now;
    child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => passOn(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const args = process.argv.slice(2);
const headless = args.includes('--headless');
const passed = args.filter((arg) => arg !== '--headless');
const electron = headless ? null : await electronBinary();
if (electron?.binary) {
  run(electron.binary, ['.', ...passed]);
} else {
  if (electron?.missing) process.stderr.write(`Loopgate: ${electron.missing}, so the gateway runs headless and opens its admin UI in your browser (Ctrl-C stops it).\n`);
  run(process.execPath, [cli, 'serve', '--open', ...passed]);
}
