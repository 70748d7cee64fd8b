// CSV for spreadsheets. A cell is data, never a formula: text starting with =, +, -, @, a tab or
// a carriage return would run in Excel, LibreOffice or Sheets (a model named
// `=HYPERLINK(...)`), so it gets a leading single quote, as OWASP's CSV-injection advice says;
// quoting follows RFC 4180.

type CsvValue = string | number | null;

/** What a spreadsheet reads as the start of a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: CsvValue): string {
  if (value === null) return '';
  // Numbers are ours (a negative one is a number, not a formula); text may be anyone's.
  if (typeof value === 'number') return String(value);
  const neutral = FORMULA_START.test(value);
  const text = neutral ? `'${value}` : value;
  return neutral || /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of cells as CSV text, CRLF line ends, a header row first. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
