// The TOML reader for Codex's config.toml (MCP server import): what Codex writes reads back as
// written, generated documents round-trip, and junk is refused with an Error, never a hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseToml } from '../../electron/services/codex-toml.js';

const SEED = 20261207;
const bare = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const value = fc.oneof(fc.string({ maxLength: 20 }), fc.integer({ min: -1000, max: 1000 }), fc.boolean(), fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }));

/** TOML text for a value: strings as basic strings (JSON's escapes are TOML's for these), arrays and scalars as written. */
function tomlOf(item: unknown): string {
  if (Array.isArray(item)) return `[${item.map(tomlOf).join(', ')}]`;
  return typeof item === 'string' ? JSON.stringify(item) : String(item);
}

describe('parseToml', () => {
  it("reads a Codex config's MCP servers: tables, quoted and dotted keys, comments, literal strings, multi-line arrays, inline tables", () => {
    const doc = parseToml(`# Codex
model = "o3"
[mcp_servers.github]
command = "npx" # run it
args = [
  "-y",
  '@scope/server', # trailing comma next
]
env = { GITHUB_TOKEN = "ghp_x", "WEIRD KEY" = 'C:\\path' }
[mcp_servers."my.server"]
url = "https://x.example/mcp"
http_headers.Authorization = "Bearer \\u00e9"
startup_timeout_sec = 1_000
enabled = false
[[profiles]]
name = "skipped"
`);
    expect(doc).toEqual({
      model: 'o3',
      mcp_servers: {
        github: { command: 'npx', args: ['-y', '@scope/server'], env: { GITHUB_TOKEN: 'ghp_x', 'WEIRD KEY': 'C:\\path' } },
        'my.server': { url: 'https://x.example/mcp', http_headers: { Authorization: 'Bearer é' }, startup_timeout_sec: 1000, enabled: false },
      },
    });
  });

  it('reads back generated tables of servers as they were written', () => {
    fc.assert(
      fc.property(fc.dictionary(bare, fc.dictionary(bare, value, { maxKeys: 5 }), { maxKeys: 4 }), (servers) => {
        const text = Object.entries(servers)
          .map(
            ([name, fields]) =>
              `[mcp_servers.${JSON.stringify(name)}]\n${Object.entries(fields)
                .map(([key, item]) => `${key} = ${tomlOf(item)}`)
                .join('\n')}\n`,
          )
          .join('\n');
        const parsed = parseToml(text);
        expect(parsed.mcp_servers ?? {}).toEqual(servers);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('refuses junk with an Error naming the line, and never hangs', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: fc.constantFrom('[', ']', '"', "'", '=', ',', '{', '}', '#', '\n', ' ', 'a', '.', '\\') }), (text) => {
        try {
          parseToml(text);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { seed: SEED, numRuns: 2000 },
    );
    expect(() => parseToml('a = "open')).toThrow(/^line 1: unterminated string/);
  });
});
