// Issue 27: one formatter for every number the app shows (renderer/src/lib/format.ts). Each unit
// reads as a person expects ("250,000 tpm", "$0.0005", "2.0 s", "1 GB"), and no view or component
// formats a number by hand, where it would drift ("250000 tpm", "$0.00050", "1.23 s").
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compact, count, duration, money, percent, plural, quantity, size } from '../../renderer/src/lib/format.js';
import { PROJECT_ROOT } from '../helpers/cli.js';

/** `format` writes each number (a key) as the text beside it. */
function expectWrites(format: (value: number) => string, written: Record<number, string>): void {
  for (const [value, text] of Object.entries(written)) expect(format(Number(value)), value).toBe(text);
}

describe('the formatter', () => {
  it('writes counts with thousands separators', () => {
    expectWrites(count, { 250_000: '250,000', 1147: '1,147', 0: '0' });
    expect(quantity(250_000, 'tpm')).toBe('250,000 tpm');
    expect(plural(12_865, 'request')).toBe('12,865 requests');
    expect(plural(1, 'key')).toBe('1 key');
  });

  it('shortens only large numbers for axes and tiles', () => {
    expectWrites(compact, { 950: '950', 12_865: '12,865', 1_250_000: '1.3M' });
  });

  it('writes money with no trailing zero below a cent and cents above it', () => {
    expectWrites(money, { 0.0005: '$0.0005', 0.0042: '$0.0042', 0.0000031: '$0.0000031', 0.00012345: '$0.00012', 0: '$0', 0.5: '$0.50', 1234.5: '$1,234.50' });
  });

  it('writes durations in the unit that reads best', () => {
    expectWrites(duration, { 2000: '2.0 s', 1234: '1.2 s', 850: '850 ms', 65_000: '1 min 5 s', 120_000: '2 min', 7_800_000: '2 h 10 min' });
  });

  it('writes sizes in decimal units', () => {
    expectWrites(size, { 1_000_000_000: '1 GB', 1_500_000: '1.5 MB', 512: '512 B', 2_000: '2 kB' });
  });

  it('writes shares as percentages that are not zero when the part is not', () => {
    expect(percent(13, 55)).toBe('24%');
    expect(percent(1, 1000)).toBe('0.1%');
    expect(percent(0, 55)).toBe('0%');
    expect(percent(0, 0)).toBe('0%');
  });
});

/** What formatting a number by hand looks like in a template or a script. */
const BY_HAND: Array<[RegExp, string]> = [
  [/\.toFixed\(/, 'toFixed'],
  [/\.toLocaleString\(/, 'toLocaleString'],
  [/\.toPrecision\(/, 'toPrecision'],
  [/Intl\.NumberFormat/, 'Intl.NumberFormat'],
  [/['"]\$['"]\s*\+|`\$\$\{/, "a '$' put in front of a number"],
  // A bare field followed by its unit, as in `{key.tpmLimit} tpm`: the formatter adds separators.
  [/\{\s*[\w.]+\s*\}\s(?:ms|s|min|h|tpm|rpm|parallel|tokens|B|kB|KB|MB|GB|%)(?![\w-])/, 'a raw number and its unit'],
];

/** Files another change is rewriting now; each entry is a debt, not a licence. */
const ALLOWED: ReadonlySet<string> = new Set<string>();

function uiFiles(): string[] {
  return ['renderer/src/views', 'renderer/src/components'].flatMap((folder) =>
    readdirSync(join(PROJECT_ROOT, folder), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.(svelte|ts)$/.test(entry.name))
      .map((entry) => relative(PROJECT_ROOT, join(entry.parentPath, entry.name))),
  );
}

describe('numbers in views and components', () => {
  it('are all formatted by lib/format.ts', () => {
    const files = uiFiles();
    expect(files.length).toBeGreaterThan(30);
    const found = files
      .filter((file) => !ALLOWED.has(file))
      .flatMap((file) =>
        readFileSync(join(PROJECT_ROOT, file), 'utf8')
          .split('\n')
          .flatMap((line, index) => BY_HAND.filter(([pattern]) => pattern.test(line)).map(([, what]) => `${file}:${index + 1}: ${what}`)),
      );
    expect(found).toEqual([]);
  });

  it('catches each way of doing it by hand', () => {
    const samples = ['{(ms / 1000).toFixed(2)} s', 'n.toLocaleString()', "'$' + cost", '`$${cost}`', '{key.tpmLimit} tpm', '`${seconds} s ago`', '{count(n)} ms'];
    expect(samples.map((sample) => BY_HAND.some(([pattern]) => pattern.test(sample)))).toEqual([true, true, true, true, true, true, false]);
  });
});
