// `npm start`: opens the desktop app. Electron's binary is fetched here on first use (installs
// skip its download so they succeed offline); when it cannot be fetched, the same gateway
// starts headless instead, so `npm install && npm start` always gives a working Loopgate.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // Electron's own entry downloads the binary when it is missing, and throws if it cannot.
    return require('electron');
  } catch (error) {
    process.stderr.write(
      `\nLoopgate: Electron's binary is not available (${error instanceof Error ? error.message.split('\n')[0] : error}).\n` +
        'Starting the gateway headless instead. Stop it with Ctrl-C.\n\n',
    );
    return null;
  }
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const binary = electronBinary();
if (binary) run(binary, ['.', ...process.argv.slice(2)]);
else run(process.execPath, [fileURLToPath(new URL('../../dist/electron/cli.js', import.meta.url)), 'serve', '--open', ...process.argv.slice(2)]);
