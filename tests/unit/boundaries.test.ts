// ARCHITECTURE.md's boundaries, checked: only main/preload/ipc import electron; shared/ is pure;
// the renderer reaches Node through nothing but the shared contract.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/cli.js';

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const ELECTRON_ALLOWED = new Set(['electron/main.ts', 'electron/preload.ts', 'electron/ipc.ts']);
const NODE_BUILTIN = /^node:|^(fs|path|os|http|https|net|crypto|child_process|stream|url|util|events|worker_threads)(\/|$)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|svelte)$/.test(entry.name))
    .map((entry) => relative(PROJECT_ROOT, join(entry.parentPath, entry.name)));
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '');
}

describe('module boundaries', () => {
  it('only electron/main.ts, preload.ts and ipc.ts import electron', () => {
    const offenders = sourceFiles('electron').filter(
      (file) => !ELECTRON_ALLOWED.has(file) && importsOf(file).some((spec) => spec === 'electron' || spec.startsWith('electron/')),
    );
    expect(offenders).toEqual([]);
  });

  it('shared/ imports neither Node nor anything outside shared/', () => {
    const offenders = sourceFiles('shared').flatMap((file) =>
      importsOf(file)
        .filter((spec) => NODE_BUILTIN.test(spec) || (!spec.startsWith('./') && !spec.startsWith('../')) || spec.includes('../electron') || spec.includes('../renderer'))
        .map((spec) => `${file}: ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('renderer/ imports no Node built-ins and nothing from electron/', () => {
    const offenders = sourceFiles('renderer').flatMap((file) =>
      importsOf(file)
        .filter((spec) => NODE_BUILTIN.test(spec) || spec === 'electron' || spec.includes('/electron/'))
        .map((spec) => `${file}: ${spec}`),
    );
    expect(offenders).toEqual([]);
  });
});
