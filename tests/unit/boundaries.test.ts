// The one boundary dependency-cruiser cannot see: it reads a .svelte file through the Svelte compiler,
// which drops `import type` lines, so a component could name electron/ or Node types unnoticed.
// Every other rule of ARCHITECTURE.md is in .dependency-cruiser.cjs (npm run lint:deps).
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/cli.js';

const IMPORT_FROM = /\bimport\s[^;]*?\bfrom\s+['"]([^'"]+)['"]/g;

function svelteFiles(): string[] {
  return readdirSync(join(PROJECT_ROOT, 'renderer'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.svelte'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Why `spec`, imported by `file`, breaks the renderer's boundary, or null when it does not. */
function offence(file: string, spec: string): string | null {
  if (spec.startsWith('.')) {
    const target = relative(PROJECT_ROOT, resolve(dirname(file), spec));
    return /^(renderer|shared)\//.test(target) ? null : `reaches ${target}`;
  }
  if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!)) return 'is a Node built-in';
  if (spec === 'electron' || spec.startsWith('electron/')) return 'is the electron package';
  return null;
}

describe('renderer boundary in .svelte files', () => {
  it('imports, type-only ones included, name only renderer/, shared/ or DOM-side packages', () => {
    const files = svelteFiles();
    expect(files.length).toBeGreaterThan(0);
    const offenders = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(IMPORT_FROM)].flatMap(([, spec = '']) => {
        const why = offence(file, spec);
        return why ? [`${relative(PROJECT_ROOT, file)}: '${spec}' ${why}`] : [];
      }),
    );
    expect(offenders).toEqual([]);
  });
});
