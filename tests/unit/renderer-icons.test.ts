// One icon set: the app draws its icons with Lucide (@lucide/svelte), never with Unicode symbols,
// which every font draws differently (the narrow sidebar was a row of mismatched glyphs). This
// reads every renderer source file, comments left out, for characters from the symbol blocks.
// Prose in .ts strings may keep "a → b" (a typographic arrow between words, not an icon).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/cli.js';

const RENDERER = join(PROJECT_ROOT, 'renderer/src');
/** Arrows, technical symbols, shapes and blocks, dingbats, emoji, and the × and ⋯ used as close and menu buttons. */
const GLYPH = /[\u2190-\u21FF\u2300-\u23FF\u2580-\u27BF\u27F0-\u27FF\u2900-\u297F\u2B00-\u2BFF\u{1F300}-\u{1FAFF}\u00D7\u22EF]/u;
const PROSE_ARROW = /[\w}] \u2192 [\w$]/u;

function withoutComments(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function glyphLines(file: string): string[] {
  const prose = file.endsWith('.ts');
  return withoutComments(readFileSync(file, 'utf8'))
    .split('\n')
    .filter((line) => GLYPH.test(prose ? line.replace(new RegExp(PROSE_ARROW, 'gu'), '') : line))
    .map((line) => `${relative(PROJECT_ROOT, file)}: ${line.trim().slice(0, 160)}`);
}

describe('icons in the renderer', () => {
  const files = readdirSync(RENDERER, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(svelte|ts|css|html)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));

  it('draws no icon with a Unicode symbol: Lucide components instead', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap(glyphLines)).toEqual([]);
  });

  it('gives every view in the menu a Lucide icon', () => {
    const registry = readFileSync(join(RENDERER, 'views/registry.ts'), 'utf8');
    const rows = registry.match(/\{ id: '[^']+'.*\}/g) ?? [];
    expect(rows.length).toBeGreaterThan(5);
    const imported = new Set([...registry.matchAll(/^import (\w+) from '@lucide\/svelte\/icons\/[\w-]+';$/gm)].map((match) => match[1]));
    for (const row of rows) expect(imported, row).toContain(/icon: (\w+)/.exec(row)?.[1]);
  });
});
