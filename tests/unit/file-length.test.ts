// The house limit (CONVENTIONS.md 4f): no source file under electron/, shared/ or renderer/src
// is over 350 lines. A file that grows past it is split by responsibility, not trimmed to fit.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/cli.js';

const MAX_LINES = 350;
const SOURCE = /\.(ts|svelte|css|js|mjs|cjs)$/;
/** Files still over the limit while they are being split; each entry is a debt, not a licence. */
const ALLOWED: ReadonlySet<string> = new Set<string>([]);

function sourceFiles(folder: string): string[] {
  return readdirSync(join(PROJECT_ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name))
    .map((entry) => relative(PROJECT_ROOT, join(entry.parentPath, entry.name)));
}

function lineCount(file: string): number {
  const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

describe('file length', () => {
  const files = ['electron', 'shared', 'renderer/src'].flatMap(sourceFiles);

  it(`keeps every source file at ${MAX_LINES} lines or fewer`, () => {
    expect(files.length).toBeGreaterThan(100);
    const over = files.filter((file) => !ALLOWED.has(file) && lineCount(file) > MAX_LINES).map((file) => `${file}: ${lineCount(file)} lines`);
    expect(over).toEqual([]);
  });

  it('allows only files that still need it', () => {
    const stale = [...ALLOWED].filter((file) => !files.includes(file) || lineCount(file) <= MAX_LINES);
    expect(stale).toEqual([]);
  });
});
