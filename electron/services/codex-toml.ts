// Reads TOML as far as Codex's config.toml uses it to declare MCP servers: tables, dotted and
// quoted keys, strings, numbers, booleans, arrays and inline tables. Array tables ([[x]]) and
// dates are skipped, not refused: the import only needs the `mcp_servers` tables.
type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

class Reader {
  at = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    const line = this.text.slice(0, this.at).split('\n').length;
    throw new Error(`line ${line}: ${what}`);
  }

  /** Skips blanks and comments; `lines` also skips line ends. */
  skip(lines: boolean): void {
    for (;;) {
      const char = this.text[this.at];
      if (char === ' ' || char === '\t' || char === '\r' || (lines && char === '\n')) this.at += 1;
      else if (char === '#') while (this.at < this.text.length && this.text[this.at] !== '\n') this.at += 1;
      else return;
    }
  }

  key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skip(false);
      const char = this.text[this.at];
      if (char === '"' || char === "'") parts.push(this.string());
      else {
        const match = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.at));
        if (!match) this.fail('expected a key');
        parts.push(match[0]);
        this.at += match[0].length;
      }
      this.skip(false);
      if (this.text[this.at] !== '.') return parts;
      this.at += 1;
    }
  }

  string(): string {
    const quote = this.text[this.at]!;
    const multi = this.text.startsWith(quote.repeat(3), this.at);
    this.at += multi ? 3 : 1;
    if (multi && this.text[this.at] === '\n') this.at += 1;
    let out = '';
    for (;;) {
      if (this.at >= this.text.length) this.fail('unterminated string');
      if (this.text.startsWith(multi ? quote.repeat(3) : quote, this.at)) {
        this.at += multi ? 3 : 1;
        return out;
      }
      const char = this.text[this.at]!;
      if (char === '\n' && !multi) this.fail('unterminated string');
      if (char === '\\' && quote === '"') {
        const next = this.text[this.at + 1]!;
        if (next === 'u' || next === 'U') {
          const length = next === 'u' ? 4 : 8;
          out += String.fromCodePoint(parseInt(this.text.slice(this.at + 2, this.at + 2 + length), 16));
          this.at += 2 + length;
        } else if (multi && (next === '\n' || next === ' ' || next === '\r')) {
          this.at += 1;
          this.skip(true);
        } else {
          out += ESCAPES[next] ?? this.fail(`unknown escape \\${next}`);
          this.at += 2;
        }
        continue;
      }
      out += char;
      this.at += 1;
    }
  }

  value(): TomlValue {
    this.skip(false);
    const char = this.text[this.at];
    if (char === '"' || char === "'") return this.string();
    if (char === '[') return this.list('[', ']', () => this.value());
    if (char === '{') {
      const table: TomlTable = {};
      this.list('{', '}', () => this.pair(table));
      return table;
    }
    const match = /^[^\s,\]}#]+/.exec(this.text.slice(this.at));
    if (!match) this.fail('expected a value');
    this.at += match[0].length;
    if (match[0] === 'true' || match[0] === 'false') return match[0] === 'true';
    const number = Number(match[0].replaceAll('_', ''));
    return Number.isNaN(number) ? match[0] : number;
  }

  list<T>(open: string, close: string, item: () => T): T[] {
    this.at += open.length;
    const items: T[] = [];
    for (;;) {
      this.skip(true);
      if (this.text[this.at] === close) break;
      items.push(item());
      this.skip(true);
      if (this.text[this.at] === ',') this.at += 1;
      else if (this.text[this.at] !== close) this.fail(`expected "," or "${close}"`);
    }
    this.at += 1;
    return items;
  }

  pair(table: TomlTable): void {
    const key = this.key();
    if (this.text[this.at] !== '=') this.fail('expected "="');
    this.at += 1;
    setPath(table, key, this.value());
  }
}

function tableAt(root: TomlTable, path: readonly string[]): TomlTable {
  let table = root;
  for (const part of path) {
    const next = table[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) table[part] = {};
    table = table[part] as TomlTable;
  }
  return table;
}

function setPath(table: TomlTable, path: readonly string[], value: TomlValue): void {
  tableAt(table, path.slice(0, -1))[path.at(-1)!] = value;
}

/** The document as nested tables; throws on text it cannot read, naming the line. */
export function parseToml(text: string): TomlTable {
  const reader = new Reader(text);
  const root: TomlTable = {};
  let current: TomlTable | null = root;
  for (;;) {
    reader.skip(true);
    if (reader.at >= text.length) return root;
    if (text.startsWith('[[', reader.at)) {
      // An array of tables: not where MCP servers live; its pairs are read and dropped.
      const end = text.indexOf(']]', reader.at);
      if (end === -1) reader.fail('expected "]]"');
      reader.at = end + 2;
      current = null;
    } else if (text[reader.at] === '[') {
      reader.at += 1;
      const path = reader.key();
      if (text[reader.at] !== ']') reader.fail('expected "]"');
      reader.at += 1;
      current = tableAt(root, path);
    } else reader.pair(current ?? {});
  }
}
