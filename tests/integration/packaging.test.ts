// `npm run package` without downloading Electron: electron-builder packs the app (--dir) against
// a stub electronDist, a folder shaped like an unpacked Electron whose "binary" carries a fuse
// wire. The test reads what was packed, runs the packed gateway under Node, and checks the deb
// target's metadata on the prepackaged app (stopping before fpm, which needs a download).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Arch, build, Platform } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAsar, listAsar } from '../helpers/asar.js';
import { LISTENING_LINE, PROJECT_ROOT, tempDir } from '../helpers/cli.js';

const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's shipped fuses, in @electron/fuses order: RunAsNode, cookie encryption, NODE_OPTIONS, --inspect, asar integrity, app from asar only, browser V8 snapshot, file: privileges. */
const SHIPPED_FUSES = '10110001';
const EXECUTABLE = 'loopgate';

interface PackageJson {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as PackageJson;
const work = tempDir('loopgate-pack-');
const unpacked = join(work, 'out', 'linux-unpacked');
const asar = join(unpacked, 'resources', 'app.asar');
let files: string[] = [];

/** A folder electron-builder takes for an unpacked Electron for Linux. */
function stubElectron(): string {
  const dir = join(work, 'electron-stub');
  mkdirSync(join(dir, 'resources'), { recursive: true });
  mkdirSync(join(dir, 'locales'));
  writeFileSync(join(dir, 'locales', 'en-US.pak'), '');
  writeFileSync(join(dir, 'electron'), `#!/bin/sh\necho stub electron\n# ${FUSE_SENTINEL}\x01\x08${SHIPPED_FUSES}\n`, { mode: 0o755 });
  return dir;
}

/**
 * The project to pack. A git worktree that shares another checkout's node_modules through a
 * symlink makes `npm ls` (electron-builder's collector) lose transitive dependencies, so there
 * the project is copied beside that node_modules and collected by walking it instead.
 */
function projectToPack(): { projectDir: string; env: Record<string, string> } {
  const modules = join(PROJECT_ROOT, 'node_modules');
  if (!lstatSync(modules).isSymbolicLink()) return { projectDir: PROJECT_ROOT, env: {} };
  const copy = join(work, 'project');
  const skipped = new Set(['node_modules', '.git', 'dist/packages'].map((path) => join(PROJECT_ROOT, path)));
  cpSync(PROJECT_ROOT, copy, { recursive: true, filter: (source) => !skipped.has(source) });
  rmSync(join(copy, 'package-lock.json'));
  symlinkSync(realpathSync(modules), join(copy, 'node_modules'));
  return { projectDir: copy, env: { npm_config_user_agent: 'traversal' } };
}

async function withEnv<T>(env: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await run();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const { projectDir, env } = projectToPack();
const config = { electronDist: stubElectron(), directories: { output: join(work, 'out') } };

beforeAll(async () => {
  if (!existsSync(join(PROJECT_ROOT, 'dist/electron/main.js')) || !existsSync(join(PROJECT_ROOT, 'dist/renderer/index.html'))) {
    throw new Error('Build first (npm run build): the packaging test packs dist/.');
  }
  await withEnv(env, () => build({ projectDir, targets: Platform.LINUX.createTarget('dir', Arch.x64), config, publish: 'never' }));
  files = listAsar(asar);
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const isModule = (name: string) => (file: string) => file.startsWith(`/node_modules/${name}/`);

describe('the packed app (electron-builder --dir)', () => {
  it('holds the built app, its icons, sql.js with its wasm, and every production dependency', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        '/package.json',
        '/dist/electron/main.js',
        '/dist/electron/preload.cjs',
        '/dist/electron/cli.js',
        '/dist/electron/shell/lifecycle.js',
        '/dist/renderer/index.html',
        '/node_modules/sql.js/dist/sql-wasm.wasm',
        '/build/icon.png',
        '/build/tray.png',
        '/build/tray.ico',
        '/build/trayTemplate.png',
        '/build/trayTemplate@2x.png',
      ]),
    );
    for (const name of Object.keys(pkg.dependencies)) expect(files.some(isModule(name)), name).toBe(true);
    // A dependency of a dependency (prom-client's) comes along too.
    expect(files.some(isModule('tdigest'))).toBe(true);
  });

  it('holds no tests, no sources, no source maps and no development dependency', () => {
    expect(files.filter((file) => /^\/(tests|electron|renderer|shared|build\/scripts)\//.test(file))).toEqual([]);
    expect(files.filter((file) => file.startsWith('/dist/') && (file.endsWith('.map') || file.endsWith('.ts')))).toEqual([]);
    const devOnly = Object.keys(pkg.devDependencies).filter((name) => !(name in pkg.dependencies));
    expect(devOnly.filter((name) => files.some(isModule(name)))).toEqual([]);
  });

  it('flips the fuses: no RunAsNode, NODE_OPTIONS or --inspect; cookie encryption, asar integrity and app-from-asar-only on', () => {
    const binary = readFileSync(join(unpacked, EXECUTABLE));
    const at = binary.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
    expect(binary.subarray(at + 2, at + 2 + SHIPPED_FUSES.length).toString('latin1')).toBe('01001100');
  });

  it('starts the packed gateway from the extracted app.asar under Node, and it serves /ui', async () => {
    const extracted = join(work, 'extracted');
    extractAsar(asar, extracted);
    const child = spawn(process.execPath, [join(extracted, 'dist/electron/cli.js'), 'serve', '--port', '0', '--data-dir', join(work, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const origin = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const match = LISTENING_LINE.exec(chunk.toString().trim());
          if (match) resolve(match[1]!);
        });
        void exited.then((code) => reject(new Error(`the packed gateway exited with ${code}: ${stderr}`)));
      });
      const page = await fetch(`${origin}/ui/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="app"');
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('the deb target: maintainer, homepage, description and a desktop entry in Development', async () => {
    let fpm: { args: string[]; desktopEntry: string } | null = null;
    await withEnv(env, () =>
      build({
        projectDir,
        targets: Platform.LINUX.createTarget('deb', Arch.x64),
        prepackaged: unpacked,
        config,
        publish: 'never',
        // Called with fpm's arguments and the desktop file just before fpm would run; true stops there.
        effectiveOptionComputed: async ([args, desktopFile]: [string[], string]) => {
          fpm = { args, desktopEntry: readFileSync(desktopFile, 'utf8') };
          return true;
        },
      }),
    );
    expect(fpm).not.toBeNull();
    const { args, desktopEntry } = fpm!;
    const option = (name: string): string | undefined => args[args.indexOf(name) + 1];
    expect(option('--maintainer')).toBe('Loopgate maintainers <maintainers@loopgate.dev>');
    expect(option('--url')).toBe('https://loopgate.dev');
    expect(option('--description')).toMatch(/^Local OpenAI-compatible AI gateway\n .+/);
    expect(desktopEntry).toContain('\nName=Loopgate\n');
    expect(desktopEntry).toContain(`\nExec=/opt/Loopgate/${EXECUTABLE} %U\n`);
    expect(desktopEntry).toContain(`\nIcon=${EXECUTABLE}\n`);
    expect(desktopEntry).toContain('\nCategories=Development;\n');
  });
});
